import RapportCore

/// What staff write down about an interaction, grouped by the situation it happens in.
struct InteractionText: Sendable {
    let channel: InteractionChannel
    let direction: InteractionDirection
    let subject: String
    /// Notes to choose from; empty when staff write none for this kind.
    let notes: [String]
    /// Outcomes to choose from; empty when there is nothing to record.
    let outcomes: [String]

    init(
        _ channel: InteractionChannel, _ direction: InteractionDirection, _ subject: String,
        notes: [String] = [], outcomes: [String] = []
    ) {
        self.channel = channel
        self.direction = direction
        self.subject = subject
        self.notes = notes
        self.outcomes = outcomes
    }

    /// Questions before a purchase.
    static let inquiries = [
        InteractionText(.wechat, .inbound, "咨询产品", notes: [
            "询问今年明前龙井的上市时间和价格", "想买送长辈的茶叶，请推荐合适的礼盒", "咨询礼盒能否附手写贺卡",
        ], outcomes: ["已推荐产品", "客户考虑中", "已下单"]),
        InteractionText(.chat, .inbound, "询价", notes: [
            "询问买两件是否有折扣", "咨询会员价和积分抵扣规则", "询问坚果礼盒的保质期",
        ], outcomes: ["已报价", "已下单"]),
        InteractionText(.phone, .inbound, "来电咨询", notes: [
            "询问门店营业时间和停车位置", "咨询普洱茶饼的年份和储存方法", "想订购一批茶叶送客户，询问配送时间",
        ], outcomes: ["已解答", "已下单", "客户考虑中"]),
        InteractionText(.inPerson, .inbound, "到店体验", notes: [
            "在门店试饮了几款红茶，偏好金骏眉", "到店挑选茶具，对青瓷盖碗感兴趣", "参加门店品茶活动",
        ], outcomes: ["已下单", "客户考虑中"]),
        InteractionText(.web, .inbound, "官网留言", notes: ["询问是否支持开具增值税专用发票", "咨询海外邮寄"]),
        InteractionText(.social, .inbound, "小红书私信咨询", notes: ["看到笔记后询问同款茶具是否有货"]),
    ]

    /// Contact after a purchase.
    static let afterSales = [
        InteractionText(.phone, .outbound, "售后回访", notes: [
            "回访近期订单，客户对茶叶口感满意", "客户反馈包装精美，希望增加小包装规格", "客户表示快递稍慢，其他满意",
        ], outcomes: ["客户满意", "已记录建议", "未接通"]),
        InteractionText(.chat, .inbound, "咨询订单物流", notes: [
            "客户询问快递进度，已提供运单号", "客户希望修改收货地址，已在发货前更新",
        ], outcomes: ["已解决"]),
        InteractionText(.sms, .outbound, "发货通知"),
        InteractionText(.wechat, .outbound, "冲泡指导", notes: [
            "发送紫砂壶开壶和保养方法", "介绍白茶的冲泡水温和时间", "分享冷泡茶的做法",
        ]),
        InteractionText(.wechat, .inbound, "评价晒单", notes: ["客户在朋友圈晒单并推荐给朋友"], outcomes: ["已赠送积分"]),
        InteractionText(.email, .outbound, "电子发票", notes: ["已发送订单电子发票"]),
    ]

    /// Contact about a refund, just before it.
    static let refunds = [
        InteractionText(.chat, .inbound, "申请退货", notes: [
            "商品包装破损，申请退货退款", "收到的规格与订单不符", "客户表示重复下单",
        ], outcomes: ["已同意退款", "已安排上门取件"]),
        InteractionText(.phone, .inbound, "投诉", notes: ["快递延误三天，客户不满", "茶叶有受潮现象"],
                        outcomes: ["已道歉并补偿优惠券", "已同意退款"]),
        InteractionText(.wechat, .inbound, "退款进度查询", outcomes: ["已告知退款到账时间"]),
    ]

    /// Marketing and keeping in touch.
    static let marketing = [
        InteractionText(.sms, .outbound, "会员日优惠提醒"),
        InteractionText(.email, .outbound, "新品推荐", notes: ["推送明前龙井预售", "介绍新到的云南小粒咖啡", "新款茶具上架"]),
        InteractionText(.wechat, .outbound, "节日问候", notes: ["中秋问候并介绍月饼礼盒", "新春问候并发送年货清单"]),
        InteractionText(.wechat, .outbound, "会员活动邀请", notes: ["邀请参加周末茶艺体验课", "邀请参加秋季新茶品鉴会"],
                        outcomes: ["已报名", "暂不参加"]),
        InteractionText(.phone, .outbound, "新品推荐", notes: ["电话介绍今年新茶"], outcomes: ["有兴趣", "暂无需求", "未接通"]),
        InteractionText(.social, .outbound, "直播预告", notes: ["通知周五晚的直播选品"]),
        InteractionText(.other, .outbound, "寄送样品", notes: ["寄出新茶试饮装"]),
        InteractionText(.web, .inbound, "填写满意度问卷", outcomes: ["非常满意", "满意", "一般"]),
    ]

    /// First contacts with someone who has not bought yet.
    static let leads = [
        InteractionText(.inPerson, .inbound, "展会交流", notes: ["在茶博会展位交流，对礼盒定制有兴趣", "索取了产品手册"],
                        outcomes: ["有意向", "待跟进"]),
        InteractionText(.phone, .outbound, "初次接洽", notes: ["介绍门店和线上商城"],
                        outcomes: ["有意向", "暂无需求", "未接通", "待跟进"]),
        InteractionText(.email, .outbound, "发送产品目录", notes: ["发送本季产品目录和价目表"]),
        InteractionText(.web, .inbound, "在线表单提交", notes: ["通过官网表单索取团购报价"], outcomes: ["待跟进"]),
        InteractionText(.wechat, .outbound, "添加微信好友", notes: ["通过门店二维码添加，发送新人优惠券"]),
    ]

    /// Reaching out to someone who stopped buying.
    static let winBacks = [
        InteractionText(.phone, .outbound, "老客户回访", notes: ["很久没有下单，了解原因并介绍新品"],
                        outcomes: ["客户表示会再来看看", "已发放回归优惠券", "未接通"]),
        InteractionText(.sms, .outbound, "专属回归优惠券"),
        InteractionText(.wechat, .outbound, "流失客户召回", notes: ["发送老客户专享折扣"], outcomes: ["客户已领取优惠券"]),
    ]

    /// Account management of company customers.
    static let accountVisits = [
        InteractionText(.inPerson, .outbound, "上门拜访", notes: [
            "拜访采购负责人，沟通年度员工福利采购计划", "洽谈中秋礼盒批量定制", "介绍企业定制茶礼方案",
        ], outcomes: ["已报价", "待确认", "已签约"]),
        InteractionText(.email, .outbound, "发送报价单", notes: ["按采购数量发送阶梯报价"], outcomes: ["待确认", "已确认"]),
        InteractionText(.phone, .inbound, "批量采购咨询", notes: ["询问春节前能否交付两百份礼盒"], outcomes: ["已报价"]),
    ]

    static let birthday = [
        InteractionText(.sms, .outbound, "生日祝福", notes: ["发送生日祝福和生日专属优惠券"]),
        InteractionText(.wechat, .outbound, "生日祝福", notes: ["发送生日祝福和生日专属优惠券"]),
    ]
}

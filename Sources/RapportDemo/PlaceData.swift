/// Chinese cities with their province, districts, telephone area code and postal code prefix, and the parts street
/// lines are made of.
enum PlaceData {
    /// A prefecture-level city.
    struct City: Sendable {
        let province: String
        let name: String
        /// The trunk-less area code (`571` for Hangzhou, dialled `0571` inside China).
        let areaCode: String
        /// The first three digits of the city's postal codes.
        let postalPrefix: String
        let districts: [String]

        /// The name without its `市`, as company names begin (`杭州`).
        var shortName: String { String(name.dropLast()) }
    }

    /// Cities weighted by how many of the shop's customers live there: it is in Hangzhou, ships everywhere, and
    /// most customers are in the big eastern cities.
    static let cities = WeightedTable<City>([
        (City(province: "浙江省", name: "杭州市", areaCode: "571", postalPrefix: "310",
              districts: ["西湖区", "上城区", "拱墅区", "滨江区", "余杭区", "萧山区"]), 160),
        (City(province: "上海市", name: "上海市", areaCode: "21", postalPrefix: "200",
              districts: ["浦东新区", "徐汇区", "静安区", "黄浦区", "长宁区", "闵行区"]), 110),
        (City(province: "北京市", name: "北京市", areaCode: "10", postalPrefix: "100",
              districts: ["朝阳区", "海淀区", "东城区", "西城区", "丰台区"]), 80),
        (City(province: "广东省", name: "广州市", areaCode: "20", postalPrefix: "510",
              districts: ["天河区", "越秀区", "海珠区", "白云区", "番禺区"]), 50),
        (City(province: "广东省", name: "深圳市", areaCode: "755", postalPrefix: "518",
              districts: ["南山区", "福田区", "罗湖区", "宝安区", "龙岗区"]), 60),
        (City(province: "江苏省", name: "南京市", areaCode: "25", postalPrefix: "210",
              districts: ["玄武区", "鼓楼区", "秦淮区", "建邺区", "江宁区"]), 40),
        (City(province: "江苏省", name: "苏州市", areaCode: "512", postalPrefix: "215",
              districts: ["姑苏区", "吴中区", "相城区", "虎丘区", "吴江区"]), 45),
        (City(province: "浙江省", name: "宁波市", areaCode: "574", postalPrefix: "315",
              districts: ["海曙区", "江北区", "鄞州区", "北仑区"]), 40),
        (City(province: "浙江省", name: "温州市", areaCode: "577", postalPrefix: "325",
              districts: ["鹿城区", "瓯海区", "龙湾区"]), 25),
        (City(province: "江苏省", name: "无锡市", areaCode: "510", postalPrefix: "214",
              districts: ["梁溪区", "滨湖区", "新吴区", "锡山区"]), 20),
        (City(province: "四川省", name: "成都市", areaCode: "28", postalPrefix: "610",
              districts: ["锦江区", "武侯区", "青羊区", "成华区", "金牛区"]), 35),
        (City(province: "湖北省", name: "武汉市", areaCode: "27", postalPrefix: "430",
              districts: ["江汉区", "武昌区", "洪山区", "江岸区", "汉阳区"]), 30),
        (City(province: "陕西省", name: "西安市", areaCode: "29", postalPrefix: "710",
              districts: ["雁塔区", "碑林区", "莲湖区", "新城区", "未央区"]), 20),
        (City(province: "天津市", name: "天津市", areaCode: "22", postalPrefix: "300",
              districts: ["和平区", "河西区", "南开区", "河东区", "滨海新区"]), 20),
        (City(province: "重庆市", name: "重庆市", areaCode: "23", postalPrefix: "400",
              districts: ["渝中区", "江北区", "南岸区", "沙坪坝区", "九龙坡区"]), 20),
        (City(province: "福建省", name: "厦门市", areaCode: "592", postalPrefix: "361",
              districts: ["思明区", "湖里区", "集美区", "海沧区"]), 15),
        (City(province: "福建省", name: "福州市", areaCode: "591", postalPrefix: "350",
              districts: ["鼓楼区", "台江区", "仓山区", "晋安区"]), 12),
        (City(province: "山东省", name: "济南市", areaCode: "531", postalPrefix: "250",
              districts: ["历下区", "市中区", "槐荫区", "天桥区"]), 10),
        (City(province: "山东省", name: "青岛市", areaCode: "532", postalPrefix: "266",
              districts: ["市南区", "市北区", "崂山区", "李沧区", "黄岛区"]), 15),
        (City(province: "河南省", name: "郑州市", areaCode: "371", postalPrefix: "450",
              districts: ["金水区", "中原区", "二七区", "管城回族区"]), 12),
        (City(province: "湖南省", name: "长沙市", areaCode: "731", postalPrefix: "410",
              districts: ["岳麓区", "芙蓉区", "天心区", "开福区", "雨花区"]), 15),
        (City(province: "安徽省", name: "合肥市", areaCode: "551", postalPrefix: "230",
              districts: ["蜀山区", "包河区", "庐阳区", "瑶海区"]), 15),
        (City(province: "辽宁省", name: "沈阳市", areaCode: "24", postalPrefix: "110",
              districts: ["和平区", "沈河区", "皇姑区", "铁西区"]), 8),
        (City(province: "辽宁省", name: "大连市", areaCode: "411", postalPrefix: "116",
              districts: ["中山区", "西岗区", "沙河口区", "甘井子区"]), 8),
        (City(province: "黑龙江省", name: "哈尔滨市", areaCode: "451", postalPrefix: "150",
              districts: ["南岗区", "道里区", "香坊区", "道外区"]), 6),
        (City(province: "吉林省", name: "长春市", areaCode: "431", postalPrefix: "130",
              districts: ["朝阳区", "南关区", "宽城区", "绿园区"]), 5),
        (City(province: "河北省", name: "石家庄市", areaCode: "311", postalPrefix: "050",
              districts: ["长安区", "桥西区", "新华区", "裕华区"]), 6),
        (City(province: "山西省", name: "太原市", areaCode: "351", postalPrefix: "030",
              districts: ["小店区", "迎泽区", "杏花岭区", "万柏林区"]), 5),
        (City(province: "江西省", name: "南昌市", areaCode: "791", postalPrefix: "330",
              districts: ["东湖区", "西湖区", "青山湖区", "红谷滩区"]), 7),
        (City(province: "云南省", name: "昆明市", areaCode: "871", postalPrefix: "650",
              districts: ["五华区", "盘龙区", "官渡区", "西山区"]), 7),
        (City(province: "贵州省", name: "贵阳市", areaCode: "851", postalPrefix: "550",
              districts: ["南明区", "云岩区", "观山湖区", "花溪区"]), 5),
        (City(province: "广西壮族自治区", name: "南宁市", areaCode: "771", postalPrefix: "530",
              districts: ["青秀区", "兴宁区", "江南区", "西乡塘区"]), 5),
        (City(province: "海南省", name: "海口市", areaCode: "898", postalPrefix: "570",
              districts: ["龙华区", "美兰区", "秀英区", "琼山区"]), 4),
        (City(province: "广东省", name: "东莞市", areaCode: "769", postalPrefix: "523",
              districts: ["南城街道", "东城街道", "莞城街道", "长安镇", "虎门镇"]), 12),
        (City(province: "广东省", name: "佛山市", areaCode: "757", postalPrefix: "528",
              districts: ["禅城区", "南海区", "顺德区"]), 10),
        (City(province: "甘肃省", name: "兰州市", areaCode: "931", postalPrefix: "730",
              districts: ["城关区", "七里河区", "安宁区"]), 3),
        (City(province: "内蒙古自治区", name: "呼和浩特市", areaCode: "471", postalPrefix: "010",
              districts: ["新城区", "回民区", "赛罕区"]), 3),
        (City(province: "新疆维吾尔自治区", name: "乌鲁木齐市", areaCode: "991", postalPrefix: "830",
              districts: ["天山区", "沙依巴克区", "水磨沟区"]), 3),
    ])

    /// Road names found in most Chinese cities.
    static let roadStems = [
        "人民", "中山", "解放", "建设", "和平", "胜利", "新华", "长江", "文化", "光明", "朝阳", "东风", "青年",
        "学府", "科技", "幸福", "友谊", "团结", "工业", "滨江", "环城", "金融", "体育", "公园", "迎宾", "世纪",
        "新城", "兴华", "振兴", "复兴",
    ]

    static let roadSuffixes = WeightedTable<String>([
        ("路", 40), ("东路", 8), ("西路", 8), ("南路", 8), ("北路", 8), ("中路", 6), ("大道", 10), ("大街", 6),
        ("街", 6),
    ])

    /// Housing estates (小区) people live in.
    static let estates = [
        "阳光花园", "锦绣家园", "翠苑小区", "金色家园", "绿城桂花园", "万科城", "碧水湾", "华府名苑", "和园",
        "新天地公寓", "东方名城", "春江花月", "龙湖天街小区", "紫金苑", "书香门第",
    ]

    /// Office buildings companies sit in.
    static let officeBuildings = [
        "国际大厦", "金融中心", "创业大厦", "科技园", "财富广场", "世贸中心", "商务中心", "时代广场", "环球中心",
        "创新大厦",
    ]
}

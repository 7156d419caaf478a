/// The demo shop: a Hangzhou tea and food retailer with a store, an online shop and a WeChat mini-shop, selling to
/// households and to companies buying gifts.
enum Catalogue {
    /// A product category: its SKU code, its Chinese name, how popular it is and its products (name, price in fen).
    struct Category: Sendable {
        let code: String
        let name: String
        let popularity: Int
        let products: [(name: String, priceMinor: Int64)]
    }

    /// The code of the gift-box category, which companies order in bulk and everyone buys before festivals.
    static let giftCode = "GFT"

    static let categories: [Category] = [
        Category(code: "TEA", name: "茶叶", popularity: 25, products: [
            ("西湖龙井 明前特级 250g", 68_800), ("安溪铁观音 清香型 500g", 32_800), ("武夷山大红袍 礼盒 300g", 45_800),
            ("云南普洱 熟茶饼 357g", 19_800), ("福鼎白茶 白牡丹 200g", 26_800), ("祁门红茶 一级 250g", 15_800),
            ("洞庭碧螺春 250g", 29_800), ("福州茉莉花茶 500g", 12_800), ("金骏眉 红茶 250g", 39_800),
            ("六安瓜片 250g", 25_800), ("信阳毛尖 250g", 16_800), ("凤凰单丛 蜜兰香 250g", 22_800),
        ]),
        Category(code: "TWR", name: "茶具", popularity: 8, products: [
            ("宜兴紫砂壶 西施壶 200ml", 58_800), ("青瓷盖碗", 8_800), ("玻璃公道杯 300ml", 3_900),
            ("便携旅行茶具套装", 16_800), ("竹制茶盘 双层", 23_800), ("白瓷品茗杯 六只装", 6_800),
            ("电陶炉煮茶器", 39_900), ("建盏 兔毫天目杯", 26_800),
        ]),
        Category(code: "SNK", name: "坚果零食", popularity: 14, products: [
            ("每日坚果 30袋装", 12_900), ("临安手剥山核桃 500g", 8_900), ("奶油碧根果 500g", 5_900),
            ("夏威夷果 500g", 6_900), ("靖江猪肉脯 400g", 5_800), ("芒果干 500g", 3_900),
            ("新疆和田大枣 1kg", 6_800), ("原味开心果 500g", 7_900), ("巴旦木 500g", 5_500),
        ]),
        Category(code: giftCode, name: "节日礼盒", popularity: 10, products: [
            ("中秋月饼礼盒 8枚装", 29_800), ("端午粽子礼盒 10只装", 19_800), ("新春年货礼盒", 39_800),
            ("企业定制茶礼盒", 58_800), ("坚果大礼包 2.5kg", 26_800), ("茶点伴手礼", 12_800),
            ("臻品茗茶礼盒 双罐", 69_800), ("福满堂年货礼篮", 88_800),
        ]),
        Category(code: "HLT", name: "滋补养生", popularity: 9, products: [
            ("宁夏中宁枸杞 500g", 6_800), ("阿胶糕 500g", 29_800), ("长白山人参礼盒", 59_800),
            ("云南三七粉 250g", 18_800), ("土蜂蜜 1kg", 12_800), ("即食燕窝 6瓶装", 49_800),
            ("红枣桂圆茶 15袋", 3_900), ("铁皮石斛枫斗 100g", 36_800),
        ]),
        Category(code: "COF", name: "咖啡", popularity: 8, products: [
            ("云南小粒咖啡豆 中烘 454g", 9_800), ("挂耳咖啡 20片装", 6_900), ("冷萃咖啡液 12颗", 7_900),
            ("手冲咖啡壶套装", 19_800), ("保山精品庄园咖啡豆 227g", 12_800), ("速溶黑咖啡 100条", 8_800),
            ("咖啡滤纸 100张", 1_500),
        ]),
        Category(code: "GRN", name: "粮油干货", popularity: 8, products: [
            ("五常大米 稻花香 5kg", 12_800), ("东北黑木耳 250g", 4_900), ("古田香菇 500g", 6_800),
            ("小榨菜籽油 5L", 11_800), ("五谷杂粮组合 2.5kg", 5_800), ("有机小米 2kg", 4_800),
            ("金华火腿切片 500g", 15_800), ("湖南腊肉 1kg", 13_800),
        ]),
        Category(code: "WIN", name: "酒水", popularity: 6, products: [
            ("绍兴黄酒 十年陈 500ml", 12_800), ("青梅酒 750ml", 9_800), ("桂花米酒 6瓶装", 6_800),
            ("酱香型白酒 53度 500ml", 89_800), ("贺兰山干红葡萄酒 750ml", 19_800), ("精酿啤酒 12瓶装", 15_800),
            ("杨梅酒 500ml", 7_800),
        ]),
        Category(code: "BAK", name: "传统糕点", popularity: 8, products: [
            ("苏式绿豆糕礼盒", 5_800), ("杭州定胜糕 12只", 3_800), ("凤梨酥 10枚", 6_800),
            ("蛋黄酥 6枚装", 4_800), ("宫廷桃酥 500g", 3_200), ("云南鲜花饼 10枚", 4_500),
            ("老婆饼 8枚", 3_600), ("广式杏仁饼礼盒", 5_800),
        ]),
        Category(code: "HOM", name: "家居香氛", popularity: 4, products: [
            ("沉香线香 100支", 12_800), ("檀香香薰蜡烛", 8_800), ("真丝抱枕套", 16_800),
            ("竹纤维毛巾 三条装", 6_800), ("手工陶瓷花瓶", 19_800), ("香薰精油扩香石", 7_800),
            ("蓝染桌旗", 9_800),
        ]),
    ]

    /// Every product, category by category, with SKUs numbered within each category.
    static let products: [DemoProduct] = categories.flatMap { category in
        category.products.enumerated().map { number, product in
            DemoProduct(sku: "SKU-\(category.code)-\(DemoTime.padded(number + 1, 3))", name: product.name,
                        category: category.name, unitPriceMinor: product.priceMinor)
        }
    }

    /// For each category (by index), the range of its products in `products`.
    static let productRanges: [Range<Int>] = {
        var start = 0
        return categories.map { category in
            defer { start += category.products.count }
            return start..<(start + category.products.count)
        }
    }()

    /// Categories in proportion to their popularity, by index.
    static let categoryTable = WeightedTable(categories.indices.map { ($0, categories[$0].popularity) })

    /// The index of the gift-box category.
    static let giftIndex = categories.firstIndex { $0.code == giftCode } ?? 0
}

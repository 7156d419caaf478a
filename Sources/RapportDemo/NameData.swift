/// Names of people and companies, with the pinyin that e-mail addresses and domains are made of.
enum NameData {
    /// A Chinese character or word and its toneless pinyin.
    typealias Romanized = (hanzi: String, pinyin: String)

    /// Surnames weighted by their share of China's population (per 10,000, after the 2020 census rankings), with a
    /// few compound surnames so that the rare forms appear too.
    static let surnames = WeightedTable<Romanized>([
        (("王", "wang"), 710), (("李", "li"), 700), (("张", "zhang"), 680), (("刘", "liu"), 540),
        (("陈", "chen"), 460), (("杨", "yang"), 310), (("黄", "huang"), 240), (("赵", "zhao"), 230),
        (("吴", "wu"), 200), (("周", "zhou"), 190), (("徐", "xu"), 150), (("孙", "sun"), 150),
        (("马", "ma"), 130), (("朱", "zhu"), 130), (("胡", "hu"), 120), (("郭", "guo"), 120),
        (("何", "he"), 120), (("林", "lin"), 120), (("高", "gao"), 120), (("罗", "luo"), 90),
        (("郑", "zheng"), 90), (("梁", "liang"), 80), (("谢", "xie"), 70), (("宋", "song"), 60),
        (("唐", "tang"), 60), (("许", "xu"), 60), (("韩", "han"), 60), (("冯", "feng"), 60),
        (("邓", "deng"), 60), (("曹", "cao"), 60), (("彭", "peng"), 60), (("曾", "zeng"), 50),
        (("肖", "xiao"), 50), (("田", "tian"), 50), (("董", "dong"), 50), (("袁", "yuan"), 40),
        (("潘", "pan"), 40), (("于", "yu"), 40), (("蒋", "jiang"), 40), (("蔡", "cai"), 40),
        (("余", "yu"), 40), (("杜", "du"), 40), (("叶", "ye"), 40), (("程", "cheng"), 40),
        (("苏", "su"), 30), (("魏", "wei"), 30), (("吕", "lv"), 30), (("丁", "ding"), 30),
        (("任", "ren"), 30), (("沈", "shen"), 30), (("姚", "yao"), 30), (("卢", "lu"), 30),
        (("姜", "jiang"), 30), (("崔", "cui"), 30), (("钟", "zhong"), 30), (("谭", "tan"), 30),
        (("陆", "lu"), 20), (("汪", "wang"), 20), (("范", "fan"), 20), (("金", "jin"), 20),
        (("石", "shi"), 20), (("廖", "liao"), 20), (("贾", "jia"), 20), (("夏", "xia"), 20),
        (("韦", "wei"), 20), (("付", "fu"), 20), (("方", "fang"), 20), (("白", "bai"), 20),
        (("邹", "zou"), 20), (("孟", "meng"), 20), (("熊", "xiong"), 20), (("秦", "qin"), 20),
        (("邱", "qiu"), 20), (("江", "jiang"), 20), (("尹", "yin"), 20), (("薛", "xue"), 20),
        (("闫", "yan"), 20), (("段", "duan"), 20), (("雷", "lei"), 20), (("侯", "hou"), 20),
        (("龙", "long"), 20), (("史", "shi"), 20), (("陶", "tao"), 10), (("黎", "li"), 10),
        (("贺", "he"), 10), (("顾", "gu"), 10), (("毛", "mao"), 10), (("郝", "hao"), 10),
        (("龚", "gong"), 10), (("邵", "shao"), 10), (("万", "wan"), 10), (("钱", "qian"), 10),
        (("严", "yan"), 10), (("覃", "qin"), 10), (("武", "wu"), 10), (("戴", "dai"), 10),
        (("莫", "mo"), 10), (("孔", "kong"), 10), (("向", "xiang"), 10), (("汤", "tang"), 10),
        (("欧阳", "ouyang"), 5), (("上官", "shangguan"), 1), (("司马", "sima"), 1), (("诸葛", "zhuge"), 1),
    ])

    static let maleGiven: [Romanized] = [
        ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("勇", "yong"), ("杰", "jie"), ("涛", "tao"),
        ("明", "ming"), ("超", "chao"), ("刚", "gang"), ("平", "ping"), ("辉", "hui"), ("鹏", "peng"), ("华", "hua"),
        ("飞", "fei"), ("鑫", "xin"), ("波", "bo"), ("斌", "bin"), ("宇", "yu"), ("浩", "hao"), ("凯", "kai"),
        ("健", "jian"), ("俊", "jun"), ("帆", "fan"), ("峰", "feng"), ("建", "jian"), ("国", "guo"), ("志", "zhi"),
        ("文", "wen"), ("龙", "long"), ("林", "lin"), ("博", "bo"), ("轩", "xuan"), ("子", "zi"), ("晨", "chen"),
        ("阳", "yang"), ("睿", "rui"), ("泽", "ze"), ("航", "hang"), ("家", "jia"), ("嘉", "jia"), ("然", "ran"),
        ("铭", "ming"), ("天", "tian"), ("成", "cheng"), ("海", "hai"), ("东", "dong"), ("亮", "liang"),
        ("松", "song"), ("昊", "hao"),
    ]

    static let femaleGiven: [Romanized] = [
        ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("艳", "yan"), ("娟", "juan"),
        ("霞", "xia"), ("秀", "xiu"), ("英", "ying"), ("玲", "ling"), ("桂", "gui"), ("兰", "lan"), ("燕", "yan"),
        ("萍", "ping"), ("红", "hong"), ("梅", "mei"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"), ("晶", "jing"),
        ("欣", "xin"), ("怡", "yi"), ("佳", "jia"), ("悦", "yue"), ("涵", "han"), ("雨", "yu"), ("梓", "zi"),
        ("诗", "shi"), ("琪", "qi"), ("颖", "ying"), ("慧", "hui"), ("倩", "qian"), ("洁", "jie"), ("璐", "lu"),
        ("薇", "wei"), ("婧", "jing"), ("瑶", "yao"), ("妍", "yan"), ("馨", "xin"), ("月", "yue"), ("晓", "xiao"),
        ("思", "si"), ("心", "xin"), ("彤", "tong"), ("可", "ke"), ("宁", "ning"), ("丹", "dan"), ("蕾", "lei"),
        ("莉", "li"),
    ]

    static let englishMaleFirst = [
        "James", "John", "Robert", "Michael", "David", "William", "Richard", "Thomas", "Daniel", "Matthew", "Mark",
        "Paul", "Andrew", "Peter", "Chris", "Kevin", "Jason", "Eric", "Tony", "Steven",
    ]

    static let englishFemaleFirst = [
        "Mary", "Jennifer", "Linda", "Sarah", "Emily", "Jessica", "Emma", "Olivia", "Sophie", "Anna", "Laura",
        "Rachel", "Kate", "Lucy", "Hannah", "Grace", "Amy", "Helen", "Alice", "Vivian",
    ]

    static let englishLast = [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Anderson",
        "Thomas", "Moore", "Martin", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall", "Young",
        "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Carter", "Mitchell",
    ]

    /// Trade names of Chinese companies (字号), with their pinyin for web domains.
    static let brands: [Romanized] = [
        ("云帆", "yunfan"), ("华信", "huaxin"), ("瑞丰", "ruifeng"), ("鼎盛", "dingsheng"), ("恒通", "hengtong"),
        ("嘉禾", "jiahe"), ("金桥", "jinqiao"), ("宏达", "hongda"), ("博远", "boyuan"), ("启明", "qiming"),
        ("天成", "tiancheng"), ("新锐", "xinrui"), ("盛世", "shengshi"), ("汇通", "huitong"), ("中联", "zhonglian"),
        ("德润", "derun"), ("华美", "huamei"), ("永泰", "yongtai"), ("锦程", "jincheng"), ("众合", "zhonghe"),
        ("明德", "mingde"), ("安达", "anda"), ("正源", "zhengyuan"), ("山海", "shanhai"), ("青禾", "qinghe"),
        ("绿源", "lvyuan"), ("百川", "baichuan"), ("长青", "changqing"), ("兴业", "xingye"), ("同创", "tongchuang"),
        ("方圆", "fangyuan"), ("立信", "lixin"), ("海纳", "haina"), ("远景", "yuanjing"), ("尚品", "shangpin"),
    ]

    /// Lines of business in company names (行业), with the English word their domains sometimes carry, and the
    /// `行业` attribute the sales team records.
    static let industries: [(name: String, word: String, sector: String)] = [
        ("贸易", "trade", "贸易"), ("科技", "tech", "科技"), ("餐饮管理", "food", "餐饮"),
        ("文化传媒", "media", "传媒"), ("电子商务", "ec", "电商"), ("食品", "food", "食品"),
        ("茶业", "tea", "零售"), ("酒店管理", "hotel", "酒店"), ("商贸", "trade", "贸易"),
        ("实业", "group", "制造"), ("企业管理咨询", "consulting", "咨询"), ("网络科技", "tech", "科技"),
        ("礼品", "gift", "零售"), ("供应链管理", "scm", "物流"), ("房地产开发", "estate", "地产"),
        ("建筑工程", "build", "建筑"),
    ]

    static let englishCompanyBrands = [
        "Northwind", "Blue Harbor", "Silverline", "Evergreen", "Pacific Rim", "Redwood", "Summit", "Crescent",
        "Oakridge", "Brightstar", "Lakeside", "Golden Bridge", "Jade Gate", "Eastwind", "Harbourview",
    ]

    static let englishCompanyTrades = [
        "Trading", "Foods", "Hospitality", "Imports", "Consulting", "Supply Chain", "Tea House", "Gifts",
        "Events", "Catering",
    ]

    static let englishCompanySuffixes = ["Ltd", "Co., Ltd.", "Limited", "Inc."]

    /// Free webmail domains weighted by how common they are among Chinese consumers.
    static let chineseMailDomains = WeightedTable<String>([
        ("163.com", 24), ("126.com", 10), ("sina.com", 5), ("foxmail.com", 6), ("gmail.com", 5),
        ("outlook.com", 5), ("hotmail.com", 3), ("139.com", 3), ("yeah.net", 2), ("sohu.com", 2), ("aliyun.com", 2),
    ])

    static let englishMailDomains = WeightedTable<String>([
        ("gmail.com", 40), ("outlook.com", 25), ("hotmail.com", 15), ("yahoo.com", 8), ("icloud.com", 12),
    ])

    /// Mailboxes a company gives a shop to write to.
    static let companyMailboxes = ["info", "sales", "service", "purchase", "admin", "office", "hr", "contact"]
}

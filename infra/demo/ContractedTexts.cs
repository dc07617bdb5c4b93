/// <summary>
/// What the contracted market's orders and exam contain: short Chinese texts as the enterprises would send them
/// (de-identified case notes, road-test scene notes, in-car voice commands, call-centre quality notes), each with the
/// label a careful annotator gives it. The workers answer with these labels, so the delivered data is right.
/// </summary>
static class ContractedTexts
{
    public sealed record Batch(string Title, string Instructions, string Industry, string Grade, string[] Labels, (string Text, string Label)[] Items,
        decimal UnitPrice, int SampleSize);

    /// <summary>Core data (核心数据): a bank's suspicious-transaction leads. Vendors only, never the crowd.</summary>
    public static readonly Batch SuspiciousTransactions = new(
        "可疑交易线索研判标注（第一批）",
        "每条为已脱敏的可疑交易线索摘要。请阅读全文，判断最符合的风险类型；同时符合多类时选风险最高的一类。" +
        "本批次为核心数据：仅限中标服务商的自有团队在平台工作台内标注，禁止截图、复制或外传，所有查看均留痕审计。",
        "finance", "core", ["正常交易", "疑似电信诈骗", "疑似洗钱", "疑似赌博"],
        [
            ("个人账户凌晨1点至3点向14个不同账户各转出4,999元，收款方均为近一周新开户，附言“刷单返利”。", "疑似电信诈骗"),
            ("退休客户到柜面要求将定期存款28万元转入“安全账户”，称刚接到“公安局”来电，神情紧张。", "疑似电信诈骗"),
            ("小微企业对公账户每月5日向32名员工代发工资，金额与社保缴费基数一致，已持续三年。", "正常交易"),
            ("同一账户当日收到47笔来自不同省份的小额转账，1小时内全部转入一个境外关联账户。", "疑似洗钱"),
            ("个人账户一周内与多名陌生人频繁快进快出，交易集中在深夜球赛结束后，附言“上分”“下分”。", "疑似赌博"),
            ("客户按月向同一房东账户转账3,200元，附言“房租”，已持续两年。", "正常交易"),
            ("新设立的贸易公司无实际经营流水，三日内收付款累计1,200万元，资金分拆后转入多个个人账户。", "疑似洗钱"),
            ("同一地址注册的5家公司之间循环转账，每笔金额均略低于大额交易报告标准。", "疑似洗钱"),
            ("个体户深夜多次向某棋牌平台关联账户充值，单笔均为整数且与平台赔率档位吻合。", "疑似赌博"),
            ("客户在手机银行购买本行理财产品50万元，资金来源为本人工资卡多年积累。", "正常交易"),
            ("客户收到“快递客服”短信称包裹丢失可理赔，随后按对方指引开启屏幕共享并向陌生账户转账。", "疑似电信诈骗"),
            ("多个个人账户由同一设备登录，轮流接收赌博网站玩家充值后集中转给“跑分”团队。", "疑似赌博"),
        ],
        3.00m, 5);

    /// <summary>Important data (重要数据): road-test notes from an automaker's test vehicles (vehicle-external data).</summary>
    public static readonly Batch RoadTestScenes = new(
        "智能驾驶路测场景标注：弱势交通参与者识别",
        "每条为路测安全员记录的场景描述。请判断场景中是否出现需要重点避让的弱势交通参与者：行人、非机动车（含电动自行车、" +
        "三轮车），或无。两者都有时选距离本车更近的一类。本批次为重要数据，标注人员须完成实名认证、签署保密协议并通过审查。",
        "autonomous-driving", "important", ["行人", "非机动车", "无弱势交通参与者"],
        [
            ("经开区东风大道路口，绿灯亮起时一位老人拄着拐杖从右侧斑马线缓慢横穿。", "行人"),
            ("高架快速路匀速行驶，前方两辆货车并线，两侧无人员与非机动车。", "无弱势交通参与者"),
            ("学校门口放学时段，多名学生结伴穿过人行横道，交警手持停车牌示意。", "行人"),
            ("非机动车道上一辆外卖电动自行车逆行，距本车约15米。", "非机动车"),
            ("隧道内车道线清晰，前车刹车灯亮起，隧道内无人员活动。", "无弱势交通参与者"),
            ("夜间城中村路段，一名骑共享单车的青年从路边停放车辆之间突然驶出。", "非机动车"),
            ("雨天公交站台旁，一位撑伞的女士正准备横穿马路去对面小区。", "行人"),
            ("地下停车场出口坡道，闸机抬杆，前方无人无车。", "无弱势交通参与者"),
            ("乡村道路上一辆载满蔬菜的电动三轮车在本车道右侧缓慢行驶。", "非机动车"),
            ("商业街临时停车，后车门旁有一名环卫工人正在清扫路面。", "行人"),
            ("高速收费站ETC车道排队，前车正常通行，周边无人员。", "无弱势交通参与者"),
            ("十字路口右转时，一辆自行车在右侧直行待行区停下等红灯。", "非机动车"),
        ],
        2.50m, 5);

    /// <summary>General data: in-car voice commands. Its acceptance is contested, so it ends in a dispute.</summary>
    public static readonly Batch VoiceCommands = new(
        "车载语音指令意图标注（座舱语音二期）",
        "每条为车主对车载语音助手说的一句话（已转写）。请按《座舱语音意图标注规范》选择意图：导航、空调、多媒体、电话。",
        "autonomous-driving", "general", ["导航", "空调", "多媒体", "电话"],
        [
            ("带我去最近的充电站", "导航"),
            ("把温度调到二十二度", "空调"),
            ("播放周杰伦的《稻香》", "多媒体"),
            ("给老婆打个电话", "电话"),
            ("避开拥堵，走高速回家", "导航"),
            ("主驾这边有点冷，风量调大一点", "空调"),
            ("下一首", "多媒体"),
            ("车里有点闷，打开外循环", "空调"),
        ],
        1.50m, 4);

    /// <summary>Important data: a bank's card-instalment sales calls. Its call stays open for bids.</summary>
    public static readonly Batch InstalmentCalls = new(
        "信用卡分期营销通话质检（第二批）",
        "每条为一通信用卡分期营销电话的质检摘要。请判断该通话是否合规：合规、未充分揭示费率、存在诱导办理、未核实客户身份。",
        "finance", "important", ["合规", "未充分揭示费率", "存在诱导办理", "未核实客户身份"],
        [
            ("坐席完整告知分期期数、每期手续费率及折算年化利率，客户确认后办理。", "合规"),
            ("坐席仅说“每期手续费很低”，未告知具体费率，客户追问后仍回避。", "未充分揭示费率"),
            ("坐席称“今天不办以后就没有这个额度了”，反复催促客户当场确认。", "存在诱导办理"),
            ("来电人自称持卡人的丈夫，坐席未核实身份即为其办理账单分期。", "未核实客户身份"),
            ("客户表示需要考虑，坐席礼貌结束通话并发送产品说明短信。", "合规"),
            ("坐席将分期手续费表述为“零利息”，未提示手续费折算后的实际成本。", "未充分揭示费率"),
            ("坐席承诺“办理分期可以提额到十万”，与实际政策不符。", "存在诱导办理"),
            ("坐席核对了卡号后四位、预留手机号与身份证后六位后办理。", "合规"),
        ],
        2.00m, 4);

    public static readonly Batch[] All = [SuspiciousTransactions, RoadTestScenes, VoiceCommands, InstalmentCalls];

    /// <summary>The label a careful annotator gives an item of any batch (workers see the text only).</summary>
    public static string Answer(string text) => All.SelectMany(b => b.Items).First(i => i.Text == text).Label;

    /// <summary>The talent pool's exam: everyday Chinese reviews, the entry test for text-classification work.</summary>
    public const string Qualification = "中文文本分类标注员";
    public static readonly string[] ExamLabels = ["正面", "负面", "中性"];
    public static readonly (string Id, string Text, string Answer, string Explanation)[] ExamTraining =
    [
        ("t1", "物流很快，包装也很用心，下次还会回购。", "正面", "明确表达满意并愿意回购，是正面。"),
        ("t2", "用了三天就坏了，客服一直不回消息。", "负面", "产品故障加服务不满，是负面。"),
        ("t3", "东西收到了，和描述的差不多。", "中性", "只陈述事实，没有明显的褒贬，是中性。"),
    ];
    public static readonly (string Id, string Text, string Answer)[] ExamTest =
    [
        ("q1", "屏幕显示细腻，续航也比旧款强很多。", "正面"),
        ("q2", "尺码偏小两号，退货运费还要自己出。", "负面"),
        ("q3", "今天下午送到的，还没开始用。", "中性"),
        ("q4", "声音太小，开到最大也听不清。", "负面"),
    ];
}

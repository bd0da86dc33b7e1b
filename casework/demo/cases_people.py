"""Demo cases about civil servants ("@姓名" refers to casework.demo.people.NAMED).

Person records stay internal unless the category is public (DOMAIN §4.3 design (c));
`李伟强` is also the `civil_servant` demo account."""

from ..lifecycle import RecordState as S
from .spec import Repair, case, day

CASES = [
    case(
        "@蔡雪梅", "DISCIPLINE", "2026-11-23", S.LEAD,
        "市纪委监委转来处分决定：塘厦镇党政办公室副主任蔡雪梅在村级工程招标监管中违规干预，受到政务警告处分。",
    ),
    case(
        "@彭晓琳", "HOTLINE", "2026-11-26", S.LEAD,
        "12345热线工单反映：万江街道综合行政执法办公室彭晓琳在处理违建投诉时承诺15日内答复，逾期一个月未答复。",
    ),
    case(
        "@郑文辉", "COURT", "2026-11-09", S.VERIFYING,
        "刑事判决书：市市场监管局特种设备安全监察科科长郑文辉在某电梯安全事故监管中玩忽职守，被判处有期徒刑"
        "一年，缓刑一年六个月。",
        by="officer2",
    ),
    case(
        "@罗振华", "PETITION", "2026-07-06", S.DISMISSED,
        "来信举报：市水务局河湖管理科副科长罗振华在河道采砂监管中收受好处、包庇违法采砂。",
        closing="经核查，举报所称事实缺乏证据支持，相关采砂执法案件均已依法办理，不予认定。",
    ),
    case(
        "@何家俊", "DISCIPLINE", "2026-11-02", S.PROPOSED,
        "处分决定书：市自然资源局何家俊在征地补偿款审核中不正确履行职责，造成补偿款重复发放，受到警告处分。",
        by="officer2",
        category="DIS", domain="OTHER", tier="GENERAL",
        facts="何家俊在某片区征地补偿款审核工作中不正确履行职责，未核对权属资料即出具审核意见，造成补偿款重复"
        "发放28.6万元（已追回），受到政务警告处分。",
    ),
    case(
        "@李伟强", "ACCOUNTABILITY", "2026-11-05", S.PRE_NOTICE,
        "问责决定：市住建局李伟强在建筑工地扬尘污染防治专项督查中履职不力，被予以诫勉。",
        category="ACC", domain="OTHER", tier="GENERAL",
        facts="李伟强在2026年建筑工地扬尘污染防治专项督查中，对督查发现的问题未督促整改到位，造成不良影响，"
        "被予以诫勉问责。",
    ),
    case(
        "@叶志坚", "DISCIPLINE", "2026-10-20", S.DETERMINED,
        "处分决定书：常平镇经济发展局副局长叶志坚在招商引资项目审批中滥用职权，受到记大过处分。",
        category="DIS", domain="INVESTMENT", tier="SERIOUS",
        facts="叶志坚在某招商引资项目准入审核中滥用职权，违规为不符合条件的企业出具准入意见，造成不良影响，"
        "受到政务记大过处分。",
    ),
    case(
        "@李伟强", "DISCIPLINE", "2026-03-09", S.EFFECTIVE,
        "处分决定书：市住建局李伟强在建设工程质量安全监督中玩忽职守，受到记过处分。",
        by="officer2",
        category="DIS", domain="OTHER", tier="GENERAL",
        facts="李伟强在某在建项目质量安全监督检查中玩忽职守，未发现并制止施工单位违规拆除支撑体系，造成一般"
        "安全事故，受到政务记过处分。",
    ),
    case(
        "@陈国栋", "ACCOUNTABILITY", "2026-05-18", S.REPAIRED,
        "问责决定：虎门镇副镇长陈国栋对分管领域基层信用公开承诺事项督促落实不力，被予以诫勉。",
        category="ACC", domain="GRASSROOTS", tier="GENERAL",
        facts="陈国栋作为分管副镇长，对辖区村（社区）公开承诺的养老助残服务事项督促落实不力，多项承诺逾期"
        "未兑现，群众反映强烈，被予以诫勉问责。",
        repair=Repair(
            day("2026-10-12"),
            "本人已深刻反思，对分管领域承诺事项逐项督促兑现，现已全部办结；今后严格履职尽责，"
            "如有违反承诺的行为，自愿接受相应处理。",
        ),
    ),
    case(
        "@钟永坚", "DEFAULTER_LIST", "2026-02-02", S.EFFECTIVE,
        "失信被执行人名单推送：市交通运输局钟永坚因民间借贷纠纷未履行生效判决，被纳入失信被执行人名单。",
        by="officer2",
        category="DEF", domain="OTHER", tier="SERIOUS",
        facts="钟永坚有履行能力而拒不履行民间借贷纠纷生效判决确定的还款义务，被东莞市第一人民法院纳入失信被执行人名单。",
    ),
    case(
        "@莫嘉敏", "RECTIFICATION", "2026-07-13", S.EFFECTIVE,
        "整改逾期：南城街道公共服务办公室副主任莫嘉敏负责的审计整改事项逾期未完成。",
        category="RCT", domain="GRASSROOTS", tier="GENERAL",
        facts="莫嘉敏作为审计整改事项责任人，对审计指出的社区养老服务补贴发放不规范问题，在整改期限届满并经"
        "催办后仍未完成整改。",
    ),
    case(
        "@袁建新", "ACCOUNTABILITY", "2026-06-22", S.EFFECTIVE,
        "问责决定：松山湖管委会招商服务局副局长袁建新在招商引资承诺兑现工作中推诿拖延，被予以通报问责。",
        by="officer2",
        category="ACC", domain="INVESTMENT", tier="GENERAL",
        facts="袁建新在某重点企业人才住房配套承诺兑现工作中推诿拖延，导致承诺逾期未兑现，被予以通报问责。",
    ),
    case(
        "@梁淑仪", "ACCOUNTABILITY", "2026-03-02", S.REVOKED,
        "问责决定：市政务和数据局政务服务科科长梁淑仪对“一网通办”高频事项上线滞后负有责任，被予以通报。",
        category="ACC", domain="OTHER", tier="GENERAL",
        facts="梁淑仪对“一网通办”高频事项未按计划上线负有直接责任，被予以通报问责。",
        closing="问责决定经复查予以撤销：事项上线滞后系省统一平台接口调整所致，不属于其履职不力。",
        document="问责复查决定书（东数复〔2026〕2号）",
    ),
    case(
        "@黄丽华", "DISCIPLINE", "2025-03-10", S.EXPIRED,
        "处分决定书：市财政局政府采购监管科科长黄丽华在政府采购投诉处理中未依法履行职责，受到警告处分。",
        by="officer2",
        category="DIS", domain="PROCUREMENT", tier="GENERAL",
        facts="黄丽华在某政府采购项目投诉处理中未在法定期限内作出处理决定，造成不良影响，受到政务警告处分。",
    ),
    case(
        "@卢志华", "DEFAULTER_LIST", "2025-01-06", S.EXPIRED,
        "失信被执行人名单推送：市卫健局卢志华因信用卡纠纷未履行生效判决，被纳入失信被执行人名单。",
        category="DEF", domain="OTHER", tier="GENERAL",
        rationale="已履行大部分还款义务，情节较轻，按一般失信认定。",
        facts="卢志华未履行信用卡纠纷生效判决确定的还款义务，被人民法院纳入失信被执行人名单，后已履行大部分还款义务。",
    ),
    case(
        "@刘少锋", "ACCOUNTABILITY", "2024-08-12", S.ARCHIVED,
        "问责决定：市商务局外资管理科科长刘少锋在外资企业奖励兑现工作中拖延推诿，被予以诫勉。",
        by="officer2", closed_as=S.EXPIRED,
        category="ACC", domain="INVESTMENT", tier="GENERAL",
        facts="刘少锋在外资企业增资扩产奖励兑现工作中拖延推诿，导致多家企业奖励逾期兑现，被予以诫勉问责。",
    ),
]  # fmt: skip

package portaltest

// Kinds of annual report, as Report.Kind spells them.
const (
	KindFZZF = "fzzf" // 法治政府建设年度报告
	KindXXGK = "xxgk" // 政府信息公开工作年度报告
)

// OffsiteVar is the template variable that fzzfjs/index_1.html uses for the URL
// of another site. NewPortal sets it to the URL of Server.Offsite.
const OffsiteVar = "OFFSITE"

// OffsitePath is the path, on the other site, of the report that
// fzzfjs/index_1.html links to as {{OFFSITE}}/fzzfjs/202203/t20220301_9.html
// ("2021年法治政府建设年度报告"). It must never be requested.
const OffsitePath = "/fzzfjs/202203/t20220301_9.html"

// Report is a report the built-in portal publishes: a correct crawl of its
// three columns archives exactly these documents, each once, with every path in
// Paths recorded as a source of it.
type Report struct {
	Title    string   // the page's ArticleTitle and visible title
	Year     int      // the year the report is about
	Kind     string   // KindFZZF or KindXXGK
	Paths    []string // every URL path it is published at (the repost has two)
	GBK      bool     // whether any of Paths is served GBK-encoded
	GBKPaths []string // the paths in Paths that are served GBK-encoded
	PubDate  string   // the PubDate meta of Paths[0], "2006-01-02 15:04"
	Source   string   // the ContentSource meta of Paths[0]
	// Para holds three distinctive body paragraphs (the first, one from the
	// middle and one near the end), exactly as the text of a <p> inside
	// div.TRS_Editor, that an extractor must keep.
	Para []string
}

// Reports returns the reports of the built-in portal, in a fixed order. Each
// call returns fresh slices.
func Reports() []Report {
	return []Report{
		{
			Title:    "津南区人民政府关于2024年法治政府建设情况报告",
			Year:     2024,
			Kind:     KindFZZF,
			Paths:    []string{"/fzzfjs/202502/t20250228_1001.html", "/tzgg/202503/t20250301_2001.html"},
			GBK:      true,
			GBKPaths: []string{"/tzgg/202503/t20250301_2001.html"},
			PubDate:  "2025-02-28 10:00",
			Source:   "津南区人民政府办公室",
			Para: []string{
				"2024年,津南区委、区政府坚持以习近平新时代中国特色社会主义思想为指导,全面贯彻党的二十届三中全会精神和习近平总书记视察天津重要讲话精神,深学笃行习近平法治思想,认真落实党中央、国务院关于法治政府建设的决策部署和市委、市政府的工作要求,紧紧围绕做实做强“四区”,精心建设“四谷”的功能定位,扎实推进法治政府建设,各项工作取得积极成效。现将有关情况报告如下:",
				"建设“营南爱商”津南品牌,打造企业服务“样板间”。开展“营南爱商·暖企护航”营商环境质量提升活动,及时回应企业诉求,全区共形成各类企业服务机制23个,服务企业2013户次,收集各类问题731个,解决问题686个,形成服务企业的典型做法67个。全方位深化“营商+商会”协作机制,设立“营商环境商会联络站”,形成联动效应,达到服务企业“1+1>2”的效果。充分发挥营商环境监督员作用,定期座谈交流,跟踪了解企业、群众在办事过程中遇到的“痛点”“难点”“堵点”,从企业需求出发提升满意度,进一步深化政企沟通。全方位营造“铺天盖地”宣传氛围,设计营商环境代言人“营营”和“商商”形象IP,讲好津南营商环境故事。创新制作营商环境全生命周期服务指南手册、“营商环境政策电子菜单”,营商惠企政策精准送达。建立惠企政策宣传解读部门-属地联动机制,开展各类政策宣传培训活动75场,惠及企业4300余家。",
				"三是进一步优化法治化营商环境。不断加大《天津市优化法治化营商环境建设指标体系》贯彻落实力度,持续强化制度建设,常态化开展“法治体检”进企业活动,着力打造更高效、更贴心、更优质的法治化营商环境。聚焦企业和群众办事需求,优化法治服务供给,推出更多便民利企、务实有效的创新举措。统筹律师资源深入天开津南园,为园区内企业、企业家和员工提供一站式公共法律服务,进一步提升行政执法工作质效。",
			},
		},
		{
			Title:   "河东区司法局2024年度法治政府建设情况报告",
			Year:    2024,
			Kind:    KindFZZF,
			Paths:   []string{"/fzzfjs/202501/t20250117_1004.html"},
			PubDate: "2025-01-17 16:30",
			Source:  "河东区司法局",
			Para: []string{
				"2024年,河东区司法局在区委、区政府的坚强领导下,以习近平新时代中国特色社会主义思想为指导,全面贯彻落实党的二十届三中全会精神,深入学习贯彻习近平法治思想,立足司法行政工作实际,统筹推进法治政府建设全面提质增效,为河东区经济社会高质量发展提供有力法治保障。",
				"区司法局主要负责同志坚决扛起推进法治建设第一责任人职责,落实“四个亲自”要求,带头深入学习贯彻习近平新时代中国特色社会主义思想尤其是习近平法治思想,第一时间面向全局干部传达学习党的二十届三中全会精神。认真贯彻习近平总书记视察天津重要讲话精神,推动制定《河东区司法局关于认真学习宣传贯彻习近平总书记视察天津重要讲话精神的工作方案》,以“关键少数”带头学,带动“绝大多数”自觉学。抓好河东区法治建设“一规划两纲要”贯彻落实,平稳有序承接运行全面依法治区职能,冲刺司法所规范化建设三年行动,探索优化司法所职能定位,提升城市治理现代化水平。严格履行重大行政决策法定程序,做好行政规范性文件合法性审核,公职律师全覆盖工作全市排名第3位。推进严格规范公正文明执法,贯彻落实新修订的行政复议法,有效提升依法行政水平。贯通律师、公证、调解多项职能为企业群众提供便捷高效法律服务,建成“河东区棉3创意街区公共法律服务工作站”,做优“律企同行 法护营商”专项活动品牌,持续优化法治化营商环境。“八五”普法深入实施,现代公共法律服务体系建设稳步推进,成立全市首家电力行业人民调解委员会,重点人群监管到位,人民群众法治获得感、幸福感、安全感显著增强。",
				"(五)优化法律服务供给质效。推进现代公共法律服务体系建设,全面完成“八五”普法规划各项目标任务,分三批次推进国家工作人员旁听庭审活动全覆盖。发挥法律援助兜底保障作用,强化新就业形态劳动者、残疾人、老年人等重点群体权益保障。优化公证法律服务供给,探索开展“智慧公证”服务。加强律师事务所专业化、规模化建设。加强行业性专业性调解组织建设,推动人民调解、行政调解、行业性专业性调解、司法调解协调联动,推动社会矛盾纠纷依法妥善化解。",
			},
		},
		{
			Title:   "天津市司法局2020年度法治政府建设情况报告",
			Year:    2020,
			Kind:    KindFZZF,
			Paths:   []string{"/fzzfjs/202103/t20210326_1005.html"},
			PubDate: "2021-03-26 10:03",
			Source:  "天津市司法局",
			Para: []string{
				"2020年,天津市司法局坚持以习近平新时代中国特色社会主义思想为指导,深入贯彻落实习近平法治思想,全面贯彻党的十九大和十九届二中、三中、四中、五中全会精神,认真落实市委、市政府、司法部和市委政法委关于法治政府建设的决策部署,全面推进《法治政府建设实施纲要(2015—2020年)》落地落实,法治政府建设取得明显成效。",
				"完成《天津市重大行政决策程序规定》起草、审核工作,进一步明确重大行政决策事项范围,细化重大行政决策的作出、公布、执行和调整程序,完善重大行政决策责任追究制度。带头严格履行公众参与、专家论证、风险评估、合法性审查、集体讨论决定等法定程序。全面推行行政执法“三项制度”,积极制定配套工作制度。大力推进行政执法“典型差案”评查,开展行政执法专项整治活动,以评差促规范。建设天津市行政执法监督平台,促进数据汇聚共享、实现数据多维度分析,以市政府令形式出台《天津市行政执法监督平台管理办法》,不断提升行政执法监督效能。严格执法证件管理,加强行政执法人员培训考试督导,不断提高行政执法人员综合素质和专业素质。",
				"2020年,虽然市司法局在推进法治政府建设上取得了一定成绩,但仍存在一些问题和不足,主要表现在:重点领域立法需要进一步加强,立法质量、效率有待进一步提高,推动严格规范公正文明执法需要进一步加大力度,“谁执法、谁普法”普法责任制落实没有完全到位,公共法律服务平台的功能有待进一步拓展。",
			},
		},
		{
			Title:   "达州市通川区2020年度法治政府建设年度报告",
			Year:    2020,
			Kind:    KindFZZF,
			Paths:   []string{"/fzzfjs/202103/t20210304_1006.html"},
			PubDate: "2021-03-04 11:52",
			Source:  "达州市通川区法治政府建设工作领导小组办公室",
			Para: []string{
				"2020年,全区法治政府建设工作坚持以习近平新时代中国特色社会主义思想为指导,深入学习贯彻习近平总书记全面依法治国新理念新思想新战略,全面落实《法治政府建设实施纲要(2015—2020年)》《四川省法治政府建设实施方案(2016—2020年)》《达州市法治政府建设实施方案(2017—2020年)》《达州市通川区法治政府建设实施方案(2017—2020年)》,深入推进依法行政,加快法治政府建设,为“一轴两翼七支点”发展战略和建成“川渝陕结合部区域中心城区高品质发展核心区和川东北经济区城乡统筹高质量发展示范区”提供了坚强的法治保障。",
				"2020年,高效快捷地开展合法性审查工作,共审查规范性文件6件,非规范性文件共345件(其中:招商引资、征地拆迁等重大行政决策150件,政府投资项目合同85个、涉及资金约14个亿,政府会议纪要110项),同时全面推行法律顾问制度,全区法律顾问共计提供法律服务578人次;开展规范性文件清理工作,其中废止1件、失效2件、继续有效20件。",
				"(四)着力提升法治政府建设工作成效。谋划《法治政府建设实施方案(2021—2025年)》相关工作,提升重点工作任务推进实效。着力优化营商环境,持续推动“放管服”改革,推动审批服务再提升,完善重大行政决策制度机制,健全重大行政决策目录化管理制度,细化决策程序,提升决策水平,继续抓好规范性文件监督管理,巩固和提升公共法律服务体系,进一步完善矛盾纠纷多元化解机制。",
			},
		},
		{
			Title:    "天津市津南区2022年政府信息公开工作年度报告",
			Year:     2022,
			Kind:     KindXXGK,
			Paths:    []string{"/tzgg/202301/t20230130_2002.html"},
			GBK:      true,
			GBKPaths: []string{"/tzgg/202301/t20230130_2002.html"},
			PubDate:  "2023-01-30 09:00",
			Source:   "津南区人民政府办公室",
			Para: []string{
				"本报告根据《中华人民共和国政府信息公开条例》(以下简称《条例》)和《中华人民共和国政府信息公开工作年度报告格式》(国办公开办函〔2021〕30号)要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议及行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。本报告电子版可在天津市津南区人民政府门户网站“政府信息公开”专栏查阅。如对本报告有疑问,请与天津市津南区人民政府办公室联系(电话:022-28392116)。",
				"全年共收到政府信息公开申请213件,较上年增长11.5%,其中自然人申请195件、法人或其他组织申请18件,上年结转5件;全年办结209件,结转下年度继续办理9件。申请内容主要集中在征地拆迁、规划建设和社会保障领域,所有申请均在法定期限内答复,未发生逾期答复情况。",
				"2022年,我区政府信息公开工作取得一定成效,但也存在一些不足:一是部分单位对政策解读重视不够,解读形式较为单一,图解、视频解读数量偏少;二是依申请公开答复的规范化水平还需提高,个别答复书援引法条不够准确。2023年,我区将加强政策解读的统筹指导,推行多元化解读方式,全面提升解读质量;同时加强依申请公开业务培训,完善答复文书模板,提升依申请公开工作规范化水平。",
			},
		},
		{
			Title:   "天津市津南区2023年政府信息公开工作年度报告",
			Year:    2023,
			Kind:    KindXXGK,
			Paths:   []string{"/xxgk/202402/t20240201_3001.html"},
			PubDate: "2024-02-01 09:30",
			Source:  "津南区人民政府办公室",
			Para: []string{
				"本报告是根据《中华人民共和国政府信息公开条例》(以下简称《条例》)和《中华人民共和国政府信息公开工作年度报告格式》(国办公开办函〔2021〕30号)要求,由天津市津南区人民政府办公室编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议及行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。如对本报告有疑问,请与天津市津南区人民政府办公室联系(地址:天津市津南区咸水沽镇津沽路;邮编:300350;电话:022-28392116)。",
				"2023年,津南区围绕优化营商环境、乡村振兴、民生保障等重点领域,通过区政府门户网站主动公开政府信息5312条,发布政策解读68篇,其中图解、视频等多元化解读31篇,召开新闻发布会9场,“津南发布”等政务新媒体推送信息1620余条。",
				"2023年,我区政府信息公开工作在规范化、标准化方面取得新进展,但对照上级要求和群众期待仍有差距:一是基层政务公开标准目录的动态调整不够及时,部分镇街公开内容更新滞后;二是政务新媒体内容同质化问题仍然存在。2024年,我区将指导各镇街对照标准目录开展自查,建立目录动态调整机制;加强政务新媒体内容策划,增强信息发布的针对性和吸引力。",
			},
		},
	}
}

// Distractors returns pages the portal's columns link to that exist and look
// like reports by their link text but are not reports: a notice about a
// meeting and an interpretation (解读) of the 2024 report. A crawler may fetch
// them or not; it must not archive them as reports.
func Distractors() []string {
	return []string{
		"/fzzfjs/202501/t20250110_1002.html",
		"/fzzfjs/202503/t20250305_1003.html",
	}
}

// Disallowed returns the paths the portal links to that robots.txt forbids
// ("Disallow: /private/"). They exist and hold report-like pages, so a crawler
// that ignores robots.txt would archive them; they must never be requested.
func Disallowed() []string {
	return []string{"/private/t20240101_1.html"}
}

// Paging styles of a Column.
const (
	PagingCreatePageHTML = "createPageHTML" // TRS createPageHTML(count, current, "index", "html") script, 0-based
	PagingNextLink       = "next-link"      // a "下一页" link on each page; the last page's is javascript:void(0)
	PagingQuery          = "query"          // ?page=N links in a numbered pager
)

// Column is one list column of the built-in portal.
type Column struct {
	Name   string   // ColumnName meta and link text, e.g. "法治政府建设"
	Paging string   // PagingCreatePageHTML, PagingNextLink or PagingQuery
	Pages  []string // every list page in order; Pages[0] is where a crawl starts
}

// Columns returns the three list columns a crawl of the built-in portal
// covers. Only Pages[0] of each is linked from outside its column; the others
// are reachable only through the column's own pagination.
func Columns() []Column {
	return []Column{
		{
			Name:   "法治政府建设",
			Paging: PagingCreatePageHTML,
			Pages:  []string{"/fzzfjs/index.html", "/fzzfjs/index_1.html", "/fzzfjs/index_2.html"},
		},
		{
			Name:   "通知公告",
			Paging: PagingNextLink,
			Pages:  []string{"/tzgg/index.html", "/tzgg/list2.html", "/tzgg/list3.html"},
		},
		{
			Name:   "政府信息公开",
			Paging: PagingQuery,
			Pages:  []string{"/xxgk/list.jsp?page=1", "/xxgk/list.jsp?page=2"},
		},
	}
}

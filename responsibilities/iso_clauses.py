"""The subclauses of ISO 9001:2015 (4.1 to 10.3) as reference data for the responsibility matrix.

The titles are short paraphrases of what each subclause is about, written for this system in
Chinese and English; they are not the standard's own wording. A data migration loads them with
``load_iso_clauses``; running it again updates the titles and adds missing clauses.
"""

#: (number, clause group, Chinese title, English title)
ISO_9001_2015_CLAUSES = (
    ("4.1", 4, "了解组织所处的内外部环境", "Knowing the organisation and its surroundings"),
    ("4.2", 4, "识别相关方及其期望", "Interested parties and what they expect"),
    ("4.3", 4, "划定质量管理体系的范围", "Where the quality management system applies"),
    ("4.4", 4, "建立体系并管理其过程", "The management system and its processes"),
    ("5.1", 5, "最高管理者的领导作用与承诺", "Top management leads and commits"),
    ("5.2", 5, "制定并传达质量方针", "Setting and communicating the quality policy"),
    ("5.3", 5, "分配岗位职责与权限", "Assigning roles, responsibilities and authority"),
    ("6.1", 6, "识别并应对风险与机遇", "Dealing with risks and opportunities"),
    ("6.2", 6, "设定质量目标并策划实现途径", "Quality objectives and how to reach them"),
    ("6.3", 6, "有计划地实施体系变更", "Planning changes to the system"),
    ("7.1", 7, "提供人员、设施、环境等资源", "Providing people, facilities and other resources"),
    ("7.2", 7, "确保人员具备所需能力", "Making sure people are competent"),
    ("7.3", 7, "让员工知晓方针、目标及自身贡献", "Staff awareness of policy, objectives and their part"),
    ("7.4", 7, "内外部沟通的安排", "Internal and external communication"),
    ("7.5", 7, "文件与记录的编制和控制", "Writing and controlling documents and records"),
    ("8.1", 8, "运行的策划与控制", "Planning and controlling operations"),
    ("8.2", 8, "确定并评审产品和服务的要求", "Determining and reviewing product and service requirements"),
    ("8.3", 8, "产品和服务的设计开发", "Designing and developing products and services"),
    ("8.4", 8, "对外部供方及外包的控制", "Controlling suppliers and outsourced work"),
    ("8.5", 8, "生产与服务提供过程的控制", "Controlling production and service delivery"),
    ("8.6", 8, "产品和服务放行前的验证", "Checking products and services before release"),
    ("8.7", 8, "处置不合格输出", "Handling nonconforming outputs"),
    ("9.1", 9, "监视、测量、分析和评价", "Monitoring, measuring, analysing and evaluating"),
    ("9.2", 9, "开展内部审核", "Internal audits"),
    ("9.3", 9, "管理评审", "Management review"),
    ("10.1", 10, "改进的总体要求", "Improvement in general"),
    ("10.2", 10, "不合格的纠正与纠正措施", "Nonconformities and corrective action"),
    ("10.3", 10, "持续改进", "Continual improvement"),
)


def load_iso_clauses(apps=None, schema_editor=None):
    """Create or update every clause. Usable as a ``RunPython`` function (with the historical
    models) and from code (``apps`` None: the current models)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    clause_model = apps.get_model("responsibilities", "IsoClause")
    for order, (number, group, title_zh, title_en) in enumerate(ISO_9001_2015_CLAUSES, start=1):
        clause_model.objects.update_or_create(
            number=number,
            defaults={"group": group, "title_zh": title_zh, "title_en": title_en, "sort_order": order},
        )

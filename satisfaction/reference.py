"""Reference data of the satisfaction module, loaded by a data migration: the standard survey
form of the satisfaction procedure (seed 000): four items worth 40 / 30 / 20 / 10 points,
product quality and service split into sub-items of equal weight, the default level shares."""

from decimal import Decimal

DEFAULT_TEMPLATE_CODE = "CSS"

#: points, Chinese, English, sub-items (Chinese, English)
DEFAULT_TEMPLATE_ITEMS = (
    (
        Decimal("40"),
        "产品质量",
        "Product quality",
        (
            ("产品性能与功能符合要求", "Performance and function meet the requirements"),
            ("外观与包装完好", "Appearance and packaging"),
            ("批次之间质量稳定", "Consistent quality from batch to batch"),
        ),
    ),
    (
        Decimal("30"),
        "服务",
        "Service",
        (
            ("问题响应及时", "Quick response to questions and problems"),
            ("人员专业、态度良好", "Competent and courteous staff"),
        ),
    ),
    (Decimal("20"), "价格", "Price", ()),
    (Decimal("10"), "交付", "Delivery", ()),
)


def create_default_template(apps, schema_editor):
    """Create version 1 of the standard form unless a template with its code exists."""
    SurveyTemplate = apps.get_model("satisfaction", "SurveyTemplate")
    SurveyItem = apps.get_model("satisfaction", "SurveyItem")
    SurveySubItem = apps.get_model("satisfaction", "SurveySubItem")
    if SurveyTemplate.objects.filter(code=DEFAULT_TEMPLATE_CODE).exists():
        return
    template = SurveyTemplate.objects.create(
        code=DEFAULT_TEMPLATE_CODE,
        version=1,
        name="顾客满意度调查表",
        name_en="Customer satisfaction survey",
        intro="感谢您一直以来的支持。请根据过去一年的合作情况，对以下各项做出评价。",
        intro_en="Thank you for your business. Please rate each point below based on the past year.",
    )
    for order, (points, text, text_en, subs) in enumerate(DEFAULT_TEMPLATE_ITEMS, start=1):
        item = SurveyItem.objects.create(template=template, order=order, text=text, text_en=text_en, points=points)
        for sub_order, (sub_text, sub_text_en) in enumerate(subs, start=1):
            SurveySubItem.objects.create(item=item, order=sub_order, text=sub_text, text_en=sub_text_en)

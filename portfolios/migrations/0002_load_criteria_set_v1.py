"""The scheme's 8 compulsory criteria (version 1), as the scheme document words them.

The source document numbers two criteria "1."; here they are numbered 1 to 8 in order.
"""

from django.db import migrations

CRITERIA = [
    (
        "SLT lead",
        "A named member of Senior Leadership Team is responsible for and leads on the accreditation scheme within "
        "the school.",
        [
            "SLT provide leadership in anti-bullying work.",
            "Oversight of anti-bullying is actively undertaken by a member of the Senior Leadership Team.",
            "The effectiveness of anti-bullying policy and procedures is assessed by SLT.",
        ],
    ),
    (
        "Governors",
        "Governors monitor anti-bullying and a named governor ensures an active oversight within the school.",
        [
            "The governing body are actively engaged in monitoring anti-bullying across the school as an aspect of "
            "safeguarding.",
            "The effectiveness of anti-bullying policy and procedures is assessed by governors.",
        ],
    ),
    (
        "Anti-bullying policy",
        "An anti-bullying policy is in place that is in line with local and national guidance; is owned, understood "
        "and implemented by the whole school community; and is reviewed at least annually.",
        [
            "School anti-bullying policy and procedures are high quality, consistent with DfE and Hertfordshire "
            "guidance and compliant with statutory duties.",
        ],
    ),
    (
        "Annual CPD for all staff",
        "All staff receive at least annual CPD/updates that respond to identified training needs to ensure "
        "effective implementation and consistency of delivery of school policy (including induction for new staff "
        "members).",
        [
            "All staff in the school receive appropriate and regular training and information that enables them to "
            "provide a consistent and effective response to bullying across the school.",
        ],
    ),
    (
        "Timetabled curriculum programme",
        "A timetabled programme is delivered within the curriculum (e.g. in PSHE) that develops the values, skills "
        "and understanding that promote anti-bullying behaviours, e.g. SEAL, resilience programme, protective "
        "behaviours.",
        [
            "Pupils are taught progressive and age appropriate anti-bullying skills and behaviours across the school.",
            "The teaching programme impacts on young people's understanding and behaviour.",
        ],
    ),
    (
        "Pupil participation and peer support",
        "Pupil engagement and participation is an active part of the school's anti-bullying programme, including a "
        "school based peer support scheme.",
        [
            "Pupils are enabled to be an active part of the school's anti-bullying strategy.",
            "Pupil support schemes are in place to provide pupils with non-staff sources of support and to engage "
            "young people actively in the resolution of low level problems as part of a prevention strategy.",
            "Pupils are enabled to use their resilience, problem solving and effective bystander behaviour to "
            "support each other.",
        ],
    ),
    (
        "Stakeholder consultation",
        "Procedures are in place to ensure consultation processes for evaluating and developing anti-bullying policy "
        "and practice involving parents, pupils, staff, governors and the wider community, either through an "
        "Anti-bullying Action Group or equivalent processes.",
        [
            "Stakeholder consultation plays a strong role in the school's anti-bullying impact assessment and "
            "involves parents, pupils, staff, governors and the wider community.",
        ],
    ),
    (
        "Monitoring and evaluation",
        "Monitoring and evaluation of anti-bullying across the school is in place through use of data, consultation "
        "and stakeholder feedback.",
        [
            "A strong evaluative cycle informs review and development of anti-bullying practice.",
            "A wide range of data is being used effectively to ensure appropriate provision, including pupil, parent "
            "and staff feedback, local and national data sources and is disaggregated to identify key issues.",
            "There is clear evidence of the impact of policy and procedures that is understood across the school.",
        ],
    ),
]


def load(apps, schema_editor):
    CriteriaSet = apps.get_model("portfolios", "CriteriaSet")
    Criterion = apps.get_model("portfolios", "Criterion")
    criteria_set, _ = CriteriaSet.objects.update_or_create(
        version=1, defaults={"title": "The 8 compulsory criteria", "is_current": True}
    )
    for number, (short_title, title, outcomes) in enumerate(CRITERIA, start=1):
        Criterion.objects.update_or_create(
            criteria_set=criteria_set,
            number=number,
            defaults={"short_title": short_title, "title": title, "outcomes": outcomes},
        )


def unload(apps, schema_editor):
    apps.get_model("portfolios", "Criterion").objects.filter(criteria_set__version=1).delete()
    apps.get_model("portfolios", "CriteriaSet").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("portfolios", "0001_criteria_evidence_applications")]

    operations = [migrations.RunPython(load, unload)]

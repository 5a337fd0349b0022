"""The first version of the guidance per criterion, from the scheme document in plain English.

Each field holds one point a line (pages show them as lists). Also fills in which criteria each
past request for further information reopened, from the note the state machine wrote
("Criteria reopened: 1, 3"), so the "how often sent back" figure counts history too.
"""

import re

from django.db import migrations

# (criterion number, looks for, examples of evidence, common reasons sent back, evidence types that help)
GUIDANCE = {
    1: (
        "A named member of the senior leadership team leads the school's anti-bullying work and this accreditation.\n"
        "Senior leaders check regularly how well the anti-bullying policy and procedures work, not only that they exist.\n"
        "Leaders act on what they find, and you can show what changed as a result.",
        "A job description or leadership roles list that names the anti-bullying lead\n"
        "SLT meeting minutes where bullying data or the policy was discussed, with actions agreed\n"
        "The school development plan or self-evaluation form with anti-bullying priorities\n"
        "A report from the SLT lead to governors on anti-bullying",
        "The lead is named but there is no sign of what they actually do\n"
        "Minutes record that bullying was discussed but not what was decided or what changed\n"
        "Evidence is more than 3 years old",
        "Minutes\nReports to governors\nDevelopment plans",
    ),
    2: (
        "Governors take an active part in monitoring anti-bullying as part of safeguarding.\n"
        "A named governor has oversight of anti-bullying and reports to the full governing body.\n"
        "Governors ask how effective the policy and procedures are and challenge where needed.",
        "Governing body or committee minutes that show questions asked about bullying data\n"
        "A record of the named governor's visits, with what they found\n"
        "The governors' annual review or approval of the anti-bullying policy\n"
        "Governor training records on anti-bullying or safeguarding",
        "A governor is named but the minutes show no monitoring or challenge\n"
        "Only the policy approval is shown, with no evidence of governors checking it works",
        "Governor minutes\nVisit notes\nTraining records",
    ),
    3: (
        "An anti-bullying policy in line with current national (DfE) and local guidance and the Equality Act 2010.\n"
        "The whole school community knows and understands the policy: staff, pupils, parents and governors.\n"
        "The policy is reviewed at least once a year, and the review involves the people it affects.\n"
        "Procedures for recording, reporting and responding to bullying, including prejudice-based and online bullying.",
        "The current policy with its review date and who was involved in the review\n"
        "A pupil-friendly version of the policy, and how it was shared\n"
        "Extracts from the school website or parents' newsletter about the policy\n"
        "Incident records that show the procedures being followed",
        "The policy has not been reviewed in the last year\n"
        "The policy does not cover prejudice-based bullying or the equality duties\n"
        "There is nothing to show pupils and parents know about the policy",
        "Policy documents\nPupil and parent versions\nIncident analyses",
    ),
    4: (
        "Every member of staff, teaching and support, has anti-bullying training or an update at least once a year.\n"
        "Training responds to needs the school has identified (for example from incident data or surveys).\n"
        "New staff are introduced to the policy and procedures as part of their induction.\n"
        "Staff respond to bullying consistently across the school.",
        "A CPD log showing who attended anti-bullying training and when\n"
        "Training materials or slides, and staff evaluations of the training\n"
        "The induction checklist for new staff that includes anti-bullying\n"
        "A staff survey before and after training",
        "Training covered teachers but not support staff, lunchtime staff or new starters\n"
        "The training is listed but there is nothing on why it was chosen or what difference it made",
        "CPD logs\nTraining evaluations\nStaff surveys",
    ),
    5: (
        "A timetabled programme, usually in PSHE, that teaches pupils the values, skills and understanding that prevent bullying.\n"
        "Teaching is progressive and right for pupils' ages across every year group.\n"
        "The programme makes a difference to pupils' understanding and behaviour, and you can show it.",
        "A PSHE scheme of work or curriculum map with the anti-bullying units marked\n"
        "Lesson plans and examples of pupils' work\n"
        "Pupil voice: surveys or discussions about what they learnt\n"
        "Anti-Bullying Week activities and what followed from them",
        "Only a one-off event such as Anti-Bullying Week, with no timetabled programme\n"
        "No evidence of the programme's impact on pupils",
        "Schemes of work\nPupils' work\nPupil voice",
    ),
    6: (
        "Pupils take an active part in the school's anti-bullying work.\n"
        "A peer support scheme (buddies, mentors, ambassadors or similar) gives pupils support from someone who is not staff.\n"
        "Pupils are helped to use resilience, problem solving and good bystander behaviour to support each other.",
        "Training records and role descriptions for peer supporters\n"
        "School council or pupil group minutes on bullying\n"
        "Pupil survey results about who pupils would tell and whether it helped\n"
        "Case studies (anonymised) of low-level problems pupils helped to resolve",
        "The peer support scheme is described but there is no sign pupils use it\n"
        "Pupil participation is limited to a survey",
        "Pupil voice\nPeer support records\nCase studies",
    ),
    7: (
        "The school consults parents, pupils, staff, governors and the wider community when it reviews anti-bullying policy and practice.\n"
        "This happens through an Anti-bullying Action Group or an equivalent process.\n"
        "Consultation feeds into how the school judges the impact of its work.",
        "Action group membership and minutes\n"
        "Parent and pupil consultation responses, and what the school changed because of them\n"
        "Questionnaires to staff and the wider community with a summary of results",
        "One group (often parents) was not consulted\n"
        "Consultation is shown but not what the school did with the answers",
        "Action group minutes\nConsultation summaries\nSurveys",
    ),
    8: (
        "A clear cycle of monitoring and evaluation that shapes how the school develops its anti-bullying practice.\n"
        "The school uses a wide range of data: pupil, parent and staff feedback, its own incident records and local and national data.\n"
        "Data is broken down (for example by year group, type of bullying or protected characteristic) to find the key issues.\n"
        "The impact of the policy and procedures is clear and understood across the school.",
        "An analysis of incident records over time, broken down by type and group\n"
        "The school's termly returns to the council and what the school took from them\n"
        "Survey results compared year on year\n"
        "An action plan that responds to the data, with progress against it",
        "Data is collected but not analysed, or not broken down\n"
        "No link is shown between the data and changes in practice",
        "Incident analyses\nTermly returns\nSurvey comparisons\nAction plans",
    ),
}


def load(apps, schema_editor):
    CriteriaSet = apps.get_model("portfolios", "CriteriaSet")
    GuidanceVersion = apps.get_model("portfolios", "GuidanceVersion")
    CriterionGuidance = apps.get_model("portfolios", "CriterionGuidance")
    criteria_set = CriteriaSet.objects.filter(version=1).first()
    if criteria_set is None or GuidanceVersion.objects.filter(criteria_set=criteria_set).exists():
        return
    version = GuidanceVersion.objects.create(
        criteria_set=criteria_set, number=1, change_note="First version, from the scheme document"
    )
    for criterion in criteria_set.criteria.all():
        looks_for, examples, reasons, types = GUIDANCE[criterion.number]
        CriterionGuidance.objects.create(
            version=version,
            criterion=criterion,
            looks_for=looks_for,
            evidence_examples=examples,
            common_reasons=reasons,
            helpful_types=types,
        )


def unload(apps, schema_editor):
    GuidanceVersion = apps.get_model("portfolios", "GuidanceVersion")
    GuidanceVersion.objects.filter(criteria_set__version=1, number=1).delete()


def backfill_reopened(apps, schema_editor):
    ApplicationTransition = apps.get_model("portfolios", "ApplicationTransition")
    for transition in ApplicationTransition.objects.filter(to_state="further_information"):
        if transition.criteria_reopened:
            continue
        match = re.search(r"Criteria reopened: ([\d, ]+)", transition.note)
        if match:
            transition.criteria_reopened = sorted(int(n) for n in re.findall(r"\d+", match.group(1)))
            transition.save(update_fields=["criteria_reopened"])


class Migration(migrations.Migration):
    dependencies = [("portfolios", "0011_guidance_self_rating_exemplars_advice")]

    operations = [
        migrations.RunPython(load, unload),
        migrations.RunPython(backfill_reopened, migrations.RunPython.noop),
    ]

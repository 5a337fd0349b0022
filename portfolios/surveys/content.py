"""The first version of each questionnaire (loaded by a data migration; admins change wording later).

Plain data, no models, so the migration and tests can both read it. Keys name a question across
versions and audiences: the county figures add up answers to the same key. Every question about
the person offers "prefer not to say"; none of them is required except the year group.
"""

PRIMARY_YEARS = [["Y1", "Year 1"], ["Y2", "Year 2"], ["Y3", "Year 3"], ["Y4", "Year 4"], ["Y5", "Year 5"]]
PRIMARY_YEARS += [["Y6", "Year 6"]]
SECONDARY_YEARS = [[f"Y{n}", f"Year {n}"] for n in range(7, 14)]
ALL_YEARS = [["R", "Reception"], *PRIMARY_YEARS, *SECONDARY_YEARS]

YES_NO_UNSURE_CHILD = [["yes", "Yes"], ["no", "No"], ["not_sure", "I'm not sure"]]
YES_NO_UNSURE = [["yes", "Yes"], ["no", "No"], ["not_sure", "Not sure"]]
NOT_SAY_CHILD = ["prefer_not_to_say", "I'd rather not say"]
NOT_SAY = ["prefer_not_to_say", "Prefer not to say"]
NO_NAMES = "Please do not write anyone's name."


def q(key, kind, text, options=(), hint="", required=False):
    return {"key": key, "kind": kind, "text": text, "options": [list(o) for o in options], "hint": hint,
            "required": required}  # fmt: skip


PRIMARY = {
    "audience": "primary_pupil",
    "title": "Pupil survey (primary)",
    "introduction": (
        "This is not a test. There are no right or wrong answers. "
        "You do not have to answer every question. Nobody will know which answers are yours."
    ),
    "questions": [
        q("year_group", "single", "What year are you in?", PRIMARY_YEARS, required=True),
        q(
            "feel_safe",
            "scale",
            "How safe do you feel at school?",
            [
                ["always", "Always safe"],
                ["mostly", "Mostly safe"],
                ["sometimes", "Sometimes safe"],
                ["never", "Never safe"],
            ],
        ),
        q(
            "bullied_4_weeks",
            "single",
            "In the last 4 weeks, have you been bullied?",
            YES_NO_UNSURE_CHILD,
            hint="Bullying is when someone hurts or upsets you on purpose, again and again.",
        ),
        q(
            "bullied_12_months",
            "single",
            "In the last year, have you been bullied?",
            YES_NO_UNSURE_CHILD,
            hint="A year is 12 months. Think back to this time last year.",
        ),
        q(
            "where",
            "multiple",
            "If you were bullied, where did it happen?",
            [
                ["classroom", "In class"],
                ["playground", "In the playground"],
                ["toilets_corridors", "In the toilets or corridors"],
                ["lunch", "At lunch"],
                ["journey", "On the way to or from school"],
                ["online", "Online, on a phone or on a games console"],
                ["elsewhere", "Somewhere else"],
            ],
            hint="Tick all that are true. Skip this if you were not bullied.",
        ),
        q(
            "how",
            "multiple",
            "What happened?",
            [
                ["names", "I was called names or teased"],
                ["physical", "I was hit, kicked or pushed"],
                ["left_out", "I was left out on purpose"],
                ["belongings", "My things were taken or broken"],
                ["online", "Nasty messages or posts online"],
                ["other", "Something else"],
            ],
            hint="Tick all that are true. Skip this if you were not bullied.",
        ),
        q(
            "told",
            "single",
            "Did you tell someone?",
            [
                ["adult_school", "Yes, a grown-up at school"],
                ["adult_home", "Yes, a grown-up at home"],
                ["friend", "Yes, a friend"],
                ["no", "No, I did not tell anyone"],
            ],
            hint="Skip this if you were not bullied.",
        ),
        q(
            "stopped",
            "single",
            "After you told someone, did the bullying stop?",
            [
                ["stopped", "Yes, it stopped"],
                ["better", "It got better"],
                ["no", "No, it did not stop"],
                ["not_told", "I did not tell anyone"],
            ],
            hint="Skip this if you were not bullied.",
        ),
        q(
            "know_policy",
            "single",
            "Do you know what our school does about bullying?",
            [["yes", "Yes"], ["a_little", "A little"], ["no", "No"]],
        ),
        q(
            "gender",
            "single",
            "Are you a boy or a girl?",
            [["boy", "Boy"], ["girl", "Girl"], ["other", "I describe myself another way"], NOT_SAY_CHILD],
        ),
        q(
            "send",
            "single",
            "Do you get extra help with your learning?",
            [["yes", "Yes"], ["no", "No"], ["dont_know", "I don't know"], NOT_SAY_CHILD],
        ),
        q(
            "fsm",
            "single",
            "Do you have free school meals?",
            [["yes", "Yes"], ["no", "No"], ["dont_know", "I don't know"], NOT_SAY_CHILD],
        ),
        q("comments", "text", "Is there anything else you want to tell us?", hint=NO_NAMES),
    ],
}

SECONDARY = {
    "audience": "secondary_pupil",
    "title": "Pupil survey (secondary)",
    "introduction": (
        "This survey is anonymous: we do not ask your name and cannot tell which answers are yours. "
        "You can skip any question."
    ),
    "questions": [
        q("year_group", "single", "Which year are you in?", SECONDARY_YEARS, required=True),
        q(
            "feel_safe",
            "scale",
            "How safe do you feel at school?",
            [
                ["always", "Always safe"],
                ["mostly", "Mostly safe"],
                ["sometimes", "Sometimes safe"],
                ["never", "Never safe"],
            ],
        ),
        q(
            "bullied_4_weeks",
            "single",
            "Have you been bullied in the last four weeks?",
            YES_NO_UNSURE,
            hint="Bullying is behaviour that hurts someone on purpose, usually repeated, in person or online.",
        ),
        q("bullied_12_months", "single", "Have you been bullied in the last twelve months?", YES_NO_UNSURE),
        q(
            "where",
            "multiple",
            "If you were bullied, where did it happen?",
            [
                ["classroom", "In lessons"],
                ["outside", "Outside at break or lunch"],
                ["toilets_corridors", "In the toilets, corridors or changing rooms"],
                ["journey", "On the way to or from school"],
                ["online", "Online: social media, messaging apps or games"],
                ["elsewhere", "Somewhere else"],
            ],
            hint="Select all that apply. Skip this if you have not been bullied.",
        ),
        q(
            "how",
            "multiple",
            "How were you bullied?",
            [
                ["names", "Called names, insulted or teased"],
                ["physical", "Hit, kicked, pushed or hurt"],
                ["left_out", "Left out or ignored on purpose"],
                ["belongings", "Belongings taken or damaged"],
                ["online", "Messages, posts or images online"],
                ["prejudice", "Because of my race, religion, disability, sexuality or gender"],
                ["other", "Another way"],
            ],
            hint="Select all that apply. Skip this if you have not been bullied.",
        ),
        q(
            "told",
            "single",
            "Did you tell anyone?",
            [
                ["adult_school", "Yes, someone at school"],
                ["adult_home", "Yes, someone at home"],
                ["friend", "Yes, a friend"],
                ["no", "No"],
            ],
            hint="Skip this if you have not been bullied.",
        ),
        q(
            "stopped",
            "single",
            "If you told someone, did the bullying stop?",
            [
                ["stopped", "Yes, it stopped"],
                ["better", "It got better"],
                ["no", "No"],
                ["not_told", "I did not tell anyone"],
            ],
            hint="Skip this if you have not been bullied.",
        ),
        q(
            "know_policy",
            "single",
            "Do you know what the school's anti-bullying policy says?",
            [["yes", "Yes"], ["a_little", "A little"], ["no", "No"]],
        ),
        q(
            "gender",
            "single",
            "How do you describe your gender?",
            [["male", "Male"], ["female", "Female"], ["other", "In another way"], NOT_SAY],
        ),
        q(
            "send",
            "single",
            "Do you have special educational needs or a disability (SEND)?",
            [["yes", "Yes"], ["no", "No"], ["dont_know", "Don't know"], NOT_SAY],
        ),
        q(
            "fsm",
            "single",
            "Do you get free school meals?",
            [["yes", "Yes"], ["no", "No"], ["dont_know", "Don't know"], NOT_SAY],
        ),
        q(
            "comments",
            "text",
            "Is there anything else you would like to tell the school about bullying?",
            hint=NO_NAMES,
        ),
    ],
}

PARENT = {
    "audience": "parent",
    "title": "Parent and carer survey",
    "introduction": "The survey is anonymous: we do not ask for your name or your child's.",
    "questions": [
        q(
            "year_group",
            "single",
            "Which year is your child in?",
            ALL_YEARS,
            hint="If you have more than one child at the school, answer for one of them.",
        ),
        q(
            "feel_safe",
            "scale",
            "Does your child feel safe at school?",
            [["always", "Always"], ["mostly", "Mostly"], ["sometimes", "Sometimes"], ["never", "Never"]],
        ),
        q(
            "bullied_12_months",
            "single",
            "Has your child been bullied at school in the last twelve months?",
            YES_NO_UNSURE,
        ),
        q("told", "single", "If so, did you tell the school?", [["yes", "Yes"], ["no", "No"]]),
        q(
            "stopped",
            "single",
            "If you told the school, did the bullying stop?",
            [["stopped", "Yes, it stopped"], ["better", "It got better"], ["no", "No"]],
        ),
        q(
            "know_policy",
            "single",
            "Do you know the school's anti-bullying policy?",
            [["yes", "Yes"], ["a_little", "A little"], ["no", "No"]],
        ),
        q(
            "confidence",
            "scale",
            "How confident are you that the school deals well with bullying?",
            [
                ["very", "Very confident"],
                ["fairly", "Fairly confident"],
                ["not_very", "Not very confident"],
                ["not_at_all", "Not at all confident"],
            ],
        ),
        q("comments", "text", "Is there anything else you would like to tell the school?", hint=NO_NAMES),
    ],
}

STAFF = {
    "audience": "staff",
    "title": "Staff survey",
    "introduction": "The survey is anonymous: we do not ask for your name or role.",
    "questions": [
        q(
            "witnessed_4_weeks",
            "single",
            "Have you seen or been told about bullying in the last four weeks?",
            [["yes", "Yes"], ["no", "No"]],
        ),
        q(
            "pupils_safe",
            "scale",
            "Do you think pupils feel safe from bullying at school?",
            [["always", "Always"], ["mostly", "Mostly"], ["sometimes", "Sometimes"], ["never", "Never"]],
        ),
        q(
            "confidence",
            "scale",
            "How confident do you feel dealing with bullying?",
            [
                ["very", "Very confident"],
                ["fairly", "Fairly confident"],
                ["not_very", "Not very confident"],
                ["not_at_all", "Not at all confident"],
            ],
        ),
        q(
            "trained",
            "single",
            "Have you had anti-bullying training in the last twelve months?",
            [["yes", "Yes"], ["no", "No"], ["not_sure", "Not sure"]],
        ),
        q(
            "know_policy",
            "single",
            "Do you know the school's anti-bullying policy?",
            [["yes", "Yes"], ["a_little", "A little"], ["no", "No"]],
        ),
        q("comments", "text", "Is there anything else you would like to tell the school?", hint=NO_NAMES),
    ],
}

QUESTIONNAIRES = [PRIMARY, SECONDARY, PARENT, STAFF]

"""Lesson videos become wagtailmedia items, with transcripts and the video's length on the lesson.

Videos uploaded as documents before this migration get a media item for the same file (nothing
is copied), so existing lessons keep playing.
"""

import json

import wagtail.fields
from django.db import migrations, models


def videos_from_documents(apps, schema_editor):
    """Point each video block that used a document at a new media item for that file."""
    Document = apps.get_model("wagtaildocs", "Document")
    Media = apps.get_model("wagtailmedia", "Media")
    LessonPage = apps.get_model("courses", "LessonPage")
    table = LessonPage._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT page_ptr_id, body::text FROM {table}")
        rows = cursor.fetchall()
    made: dict[int, int] = {}
    for page_id, raw in rows:
        body = json.loads(raw or "[]")
        changed = False
        for block in body:
            value = block.get("value")
            if block.get("type") != "video" or not isinstance(value, dict):
                continue
            document_id = value.pop("document", None)
            changed = changed or document_id is not None
            if document_id and not value.get("video"):
                if document_id not in made:
                    document = Document.objects.filter(pk=document_id).first()
                    if document is None:
                        continue
                    made[document_id] = Media.objects.create(
                        title=document.title,
                        file=document.file.name,
                        type="video",
                        collection_id=document.collection_id,
                    ).pk
                value["video"] = made[document_id]
        if changed:
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET body = %s::jsonb WHERE page_ptr_id = %s",
                    [json.dumps(body), page_id],
                )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_live_sessions"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailmedia", "0005_alter_media_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="lessonpage",
            name="transcripts",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Cues of each video's captions, by video block id (made from the captions).",
            ),
        ),
        migrations.AddField(
            model_name="lessonpage",
            name="video_duration",
            field=models.FloatField(
                blank=True,
                editable=False,
                help_text="Length in seconds of the first uploaded video, when known.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="lessonpage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("heading", 0),
                    ("paragraph", 1),
                    ("image", 5),
                    ("callout", 8),
                    ("video", 18),
                    ("embed_video", 21),
                    ("code", 25),
                    ("download", 28),
                    ("knowledge_check", 35),
                ],
                block_lookup={
                    0: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "form_classname": "title",
                            "help_text": "A section heading (shown as a level-2 heading).",
                            "icon": "title",
                            "template": "components/blocks/heading_block.html",
                        },
                    ),
                    1: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "h3",
                                "h4",
                                "bold",
                                "italic",
                                "link",
                                "ol",
                                "ul",
                                "code",
                                "blockquote",
                            ],
                            "help_text": "Text with links and lists.",
                            "template": "components/blocks/paragraph_block.html",
                        },
                    ),
                    2: (
                        "wagtail.images.blocks.ImageChooserBlock",
                        (),
                        {"help_text": "Shown up to 1,200 pixels wide."},
                    ),
                    3: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Describe the image for people who cannot see it; leave empty if decorative.",
                            "max_length": 200,
                            "required": False,
                        },
                    ),
                    4: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Shown under the image (optional).",
                            "max_length": 250,
                            "required": False,
                        },
                    ),
                    5: (
                        "wagtail.blocks.StructBlock",
                        [[("image", 2), ("alt_text", 3), ("caption", 4)]],
                        {},
                    ),
                    6: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [
                                ("info", "Information"),
                                ("tip", "Tip"),
                                ("warning", "Warning"),
                            ],
                            "help_text": "Sets the colour and the label read out by screen readers.",
                        },
                    ),
                    7: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": ["bold", "italic", "link", "code"],
                            "help_text": "Keep it to a few sentences.",
                        },
                    ),
                    8: ("wagtail.blocks.StructBlock", [[("tone", 6), ("text", 7)]], {}),
                    9: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "What the video shows, for screen readers.",
                            "max_length": 120,
                        },
                    ),
                    10: (
                        "wagtailmedia.blocks.VideoChooserBlock",
                        (),
                        {
                            "help_text": "The video, uploaded to Media (MP4 or WebM)…",
                            "required": False,
                        },
                    ),
                    11: (
                        "wagtail.blocks.URLBlock",
                        (),
                        {"help_text": "…or the address of an MP4 or WebM file.", "required": False},
                    ),
                    12: (
                        "wagtail.images.blocks.ImageChooserBlock",
                        (),
                        {
                            "help_text": "Shown before the video plays (optional; else the media item's thumbnail).",
                            "required": False,
                        },
                    ),
                    13: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "default": "en",
                            "help_text": "Language code of the captions, e.g. en or de.",
                            "max_length": 10,
                        },
                    ),
                    14: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "default": "English",
                            "help_text": "Shown in the player.",
                            "max_length": 40,
                        },
                    ),
                    15: (
                        "wagtail.documents.blocks.DocumentChooserBlock",
                        (),
                        {"help_text": "A WebVTT (.vtt) file with the captions."},
                    ),
                    16: (
                        "wagtail.blocks.StructBlock",
                        [[("language", 13), ("label", 14), ("file", 15)]],
                        {},
                    ),
                    17: (
                        "wagtail.blocks.ListBlock",
                        (16,),
                        {
                            "help_text": "One track per language. The track in the course's language (else the first) is also shown as the transcript. Videos without captions are listed in Reports › Videos without captions."
                        },
                    ),
                    18: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("title", 9),
                                ("video", 10),
                                ("url", 11),
                                ("poster", 12),
                                ("captions", 17),
                            ]
                        ],
                        {},
                    ),
                    19: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"help_text": "What the video shows.", "max_length": 120},
                    ),
                    20: (
                        "wagtail.embeds.blocks.EmbedBlock",
                        (),
                        {"help_text": "The video's address on YouTube, Vimeo or another provider."},
                    ),
                    21: ("wagtail.blocks.StructBlock", [[("title", 19), ("embed", 20)]], {}),
                    22: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [
                                ("bash", "Shell"),
                                ("python", "Python"),
                                ("javascript", "JavaScript"),
                                ("typescript", "TypeScript"),
                                ("json", "JSON"),
                                ("yaml", "YAML"),
                                ("sql", "SQL"),
                                ("go", "Go"),
                                ("java", "Java"),
                                ("html", "HTML"),
                                ("css", "CSS"),
                                ("text", "Plain text"),
                            ],
                            "help_text": "For highlighting.",
                        },
                    ),
                    23: ("wagtail.blocks.TextBlock", (), {"help_text": "Shown exactly as typed."}),
                    24: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"help_text": "Optional caption.", "max_length": 200, "required": False},
                    ),
                    25: (
                        "wagtail.blocks.StructBlock",
                        [[("language", 22), ("code", 23), ("caption", 24)]],
                        {},
                    ),
                    26: (
                        "wagtail.documents.blocks.DocumentChooserBlock",
                        (),
                        {"help_text": "A file learners can download."},
                    ),
                    27: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "What the file is (optional).",
                            "max_length": 200,
                            "required": False,
                        },
                    ),
                    28: (
                        "wagtail.blocks.StructBlock",
                        [[("document", 26), ("description", 27)]],
                        {},
                    ),
                    29: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"help_text": "The question.", "max_length": 300},
                    ),
                    30: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"help_text": "The answer as shown.", "max_length": 250},
                    ),
                    31: (
                        "wagtail.blocks.BooleanBlock",
                        (),
                        {"help_text": "Tick for a right answer.", "required": False},
                    ),
                    32: (
                        "wagtail.blocks.TextBlock",
                        (),
                        {
                            "help_text": "Why it is right or wrong, shown after choosing.",
                            "max_length": 600,
                            "required": False,
                        },
                    ),
                    33: (
                        "wagtail.blocks.StructBlock",
                        [[("text", 30), ("correct", 31), ("explanation", 32)]],
                        {},
                    ),
                    34: ("wagtail.blocks.ListBlock", (33,), {"max_num": 6, "min_num": 2}),
                    35: ("wagtail.blocks.StructBlock", [[("question", 29), ("choices", 34)]], {}),
                },
                help_text="The lesson's content, top to bottom.",
            ),
        ),
        migrations.RunPython(videos_from_documents, migrations.RunPython.noop),
    ]

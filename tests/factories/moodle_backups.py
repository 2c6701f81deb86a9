"""Moodle course and activity backups built in Python at test time, in Moodle's documented
backup format (moodle_backup.xml, course/, sections/, activities/, questions.xml, files.xml,
files/<2 hex>/<sha1>), in the shapes of Moodle 3.9 and 4.x, as gzip tar or zip; and hostile
archives (bombs, paths out, links, XML entities)."""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

V39, V4 = "3.9", "4.x"
VERSIONS = {V39: ("2020061500", "3.9"), V4: ("2024100700", "4.5")}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n%test\n"
MP4 = b"\0\0\0\x18ftypmp42" + b"\0" * 32
COURSE_CONTEXT, QUIZ_CONTEXT = "20", "109"


def _x(value) -> str:
    return escape(str(value))


def tags(**values) -> str:
    """<key>value</key> for each keyword (values escaped)."""
    return "".join(f"<{k}>{_x(v)}</{k}>" for k, v in values.items())


@dataclass
class Question:
    id: int
    qtype: str
    name: str
    text: str
    category: int
    plugin: str = ""  # the inner XML of plugin_qtype_<qtype>_question
    parent: int = 0
    mark: float = 1.0
    version: int = 1
    extra: str = ""  # more XML inside <question> (hints)

    def xml(self) -> str:
        plugin = self.plugin
        if "<answer " in plugin:  # answers are written together, first, as Moodle does
            parts = plugin.split("<answer ")
            answers = "".join("<answer " + part.split("</answer>")[0] + "</answer>"
                              for part in parts[1:])
            rest = parts[0] + "".join(part.split("</answer>", 1)[1] for part in parts[1:])
            plugin = f"<answers>{answers}</answers>{rest}"
        inner = (f"<plugin_qtype_{self.qtype}_question>{plugin}"
                 f"</plugin_qtype_{self.qtype}_question>")
        return (f'\n<question id="{self.id}">' + tags(
            parent=self.parent, name=self.name, questiontext=self.text, questiontextformat=1,
            generalfeedback="", generalfeedbackformat=1, defaultmark=f"{self.mark:.7f}",
            penalty="0.3333333", qtype=self.qtype, length=1, stamp=f"s{self.id}")
            + inner + self.extra + "</question>")


@dataclass
class Activity:
    module_id: int
    modname: str
    section_id: int
    title: str
    body: str  # the inner XML of <modname>
    extra_files: dict[str, str] = field(default_factory=dict)  # grades.xml ...

    @property
    def directory(self) -> str:
        return f"activities/{self.modname}_{self.module_id}"


def answer(aid: int, text: str, fraction: float, feedback: str = "") -> str:
    return (f'<answer id="{aid}">' + tags(answertext=text, answerformat=1,
                                         fraction=f"{fraction:.7f}", feedback=feedback,
                                         feedbackformat=1) + "</answer>")


class BackupBuilder:
    """Collects the parts of one backup and writes them as a .mbz (tar.gz or zip)."""

    def __init__(self, version: str = V4, kind: str = "course", lang: str = "es") -> None:
        self.version, self.kind, self.lang = version, kind, lang
        self.sections: list[tuple[int, int, str, str]] = []
        self.activities: list[Activity] = []
        self.categories: list[tuple[int, int, str, str]] = []  # id, parent, name, context
        self.questions: list[Question] = []
        self.files: list[dict] = []
        self.contents: dict[str, bytes] = {}
        self.settings: dict[str, str] = {}
        self.raw: dict[str, bytes] = {}  # files written as they are (overrides)

    def add_file(self, context: str, component: str, area: str, name: str, content: bytes,
                 itemid: int | str = 0, filepath: str = "/") -> str:
        digest = hashlib.sha1(content).hexdigest()
        self.contents[f"files/{digest[:2]}/{digest}"] = content
        self.files.append(dict(contenthash=digest, contextid=context, component=component,
                               filearea=area, itemid=itemid, filepath=filepath, filename=name,
                               filesize=len(content)))
        return digest

    def section(self, sid: int, number: int, name: str = "$@NULL@$", summary: str = "") -> None:
        self.sections.append((sid, number, name, summary))

    def activity(self, module_id: int, modname: str, section_id: int, title: str, body: str,
                 **extra_files: str) -> None:
        self.activities.append(Activity(module_id, modname, section_id, title, body, extra_files))

    def category(self, cid: int, parent: int, name: str, context: str = COURSE_CONTEXT) -> None:
        self.categories.append((cid, parent, name, context))

    def question(self, *args, **kwargs) -> Question:
        question = Question(*args, **kwargs)
        self.questions.append(question)
        return question

    def parts(self) -> dict[str, bytes]:
        backup_version, release = VERSIONS[self.version]
        parts = {"moodle_backup.xml": self._description(backup_version, release),
                 "files.xml": self._files_xml(), "questions.xml": self._questions_xml(),
                 **self.contents}
        if self.kind == "course":
            parts["course/course.xml"] = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<course id="2" '
                f'contextid="{COURSE_CONTEXT}">'
                + tags(shortname="SAFE101", fullname="Safety first", summary=(
                    '<p>A course on <b>safety</b>.</p><p><img src="@@PLUGINFILE@@/cover.png" '
                    'alt="Cover"></p>'), summaryformat=1, format="topics", lang=self.lang)
                + "</course>").encode()
        for sid, number, name, summary in self.sections:
            sequence = ",".join(str(a.module_id) for a in self.activities if a.section_id == sid)
            parts[f"sections/section_{sid}/section.xml"] = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<section id="{sid}">'
                + tags(number=number, name=name, summary=summary, summaryformat=1,
                       sequence=sequence, visible=1) + "</section>").encode()
        for a in self.activities:
            parts[f"{a.directory}/module.xml"] = (
                f'<module id="{a.module_id}" version="2024100700">'
                + tags(modulename=a.modname, sectionid=a.section_id,
                       visible=1) + "</module>").encode()
            parts[f"{a.directory}/{a.modname}.xml"] = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<activity id="1" '
                f'moduleid="{a.module_id}" '
                f'modulename="{a.modname}" contextid="{a.module_id}"><{a.modname} id="1">{a.body}'
                f"</{a.modname}></activity>").encode()
            for name, text in a.extra_files.items():
                parts[f"{a.directory}/{name}"] = text.encode()
        parts.update(self.raw)
        return parts

    def _description(self, backup_version: str, release: str) -> bytes:
        activities = "".join(
            "<activity>" + tags(moduleid=a.module_id, sectionid=a.section_id, modulename=a.modname,
                                title=a.title, directory=a.directory) + "</activity>"
            for a in self.activities)
        sections = "".join(
            "<section>" + tags(sectionid=sid, title=name if name != "$@NULL@$" else str(number),
                               directory=f"sections/section_{sid}") + "</section>"
            for sid, number, name, _summary in self.sections)
        course = ("<course>" + tags(courseid=2, title="SAFE101", directory="course") + "</course>"
                  if self.kind == "course" else "")
        settings = "".join(
            "<setting>" + tags(level="activity", name=name, value=value) + "</setting>"
            for name, value in self.settings.items())
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<moodle_backup><information>'
                + tags(name="backup.mbz", moodle_version=backup_version, moodle_release=release,
                       backup_version=backup_version, backup_release=release,
                       original_course_fullname="Safety first",
                       original_course_shortname="SAFE101")
                + f"<details><detail backup_id=\"x\"><type>{self.kind}</type>"
                f"<format>moodle2</format></detail></details>"
                f"<contents><activities>{activities}</activities><sections>{sections}</sections>"
                f"{course}</contents><settings>"
                + "<setting><level>root</level><name>users</name><value>0</value></setting>"
                + settings + "</settings></information></moodle_backup>").encode()

    def _files_xml(self) -> bytes:
        rows = "".join(f'<file id="{n}">' + tags(**f, mimetype="application/octet-stream",
                                                 status=0, source="$@NULL@$") + "</file>"
                       for n, f in enumerate(self.files, start=1))
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<files>{rows}</files>'.encode()

    def _questions_xml(self) -> bytes:
        out = []
        for cid, parent, name, context in self.categories:
            mine = [q for q in self.questions if q.category == cid]
            head = (f'<question_category id="{cid}">' + tags(
                name=name, contextid=context, contextlevel=50, contextinstanceid=2, info="",
                infoformat=0, stamp=f"c{cid}", parent=parent, sortorder=999))
            body = ("<questions>" + "".join(q.xml() for q in mine) + "</questions>"
                    if self.version == V39 else "<question_bank_entries>" + "".join(
                        self._entry(q, mine) for q in mine if q.version == 1)
                    + "</question_bank_entries>")
            out.append(head + body + "</question_category>")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<question_categories>' + "".join(out)
                + "</question_categories>").encode()

    def _entry(self, first: Question, mine: list[Question]) -> str:
        """A 4.x bank entry: its versions (questions sharing the first one's name)."""
        versions = [q for q in mine if q.name == first.name and q.parent == first.parent]
        body = "".join(f'<question_versions id="{q.id}">' + tags(version=q.version, status="ready")
                       + f"<questions>{q.xml()}</questions></question_versions>" for q in versions)
        return (f'<question_bank_entry id="{entry_id(first)}">'
                + tags(questioncategoryid=first.category, idnumber="$@NULL@$", ownerid=2)
                + f"<question_version>{body}</question_version></question_bank_entry>")

    def build(self, fmt: str = "tar") -> bytes:
        return pack(self.parts(), fmt)


def entry_id(question: Question) -> int:
    return 1000 + question.id


def pack(parts: dict[str, bytes], fmt: str = "tar") -> bytes:
    out = io.BytesIO()
    if fmt == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    else:
        with tarfile.open(fileobj=out, mode="w:gz") as archive:
            for name, data in parts.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def filter_condition(category: int, subcategories: bool) -> str:
    """A random slot's filter as Moodle 4.0-4.2 write it (4.3+'s form: test_moodle_backup.py)."""
    return json.dumps({"questioncategoryid": str(category),
                       "includingsubcategories": str(int(subcategories))})

"""Writes the report fixtures: a Word document laid out as Word writes one (styles,
runs split mid-sentence, a tab, a line break, core properties with the title), then
LibreOffice turns it into PDF and OpenDocument, as a researcher's "Save as" would.

Run from tests/data/reports: python3 ../make_reports.py (needs soffice for the PDF and .odt).
"""
import subprocess
import zipfile

TITLE = "Slutrapport: Förstudie om validering för nyanlända i Kronoberg"
PARAGRAPHS = [
    ("Rubrik1", [TITLE]),
    ("Normal", ["Diarienummer 2020-3010201. Projektägare: Växjö kommun. Beviljat belopp: 6 036 644 kr."]),
    ("Rubrik2", ["Bakgrund"]),
    ("Normal", ["Många nyanlända har yrkeskunskaper som arbetsgivare i ", "Kronobergs län",
                " inte ser. Förstudien undersökte hur validering kan erbjudas tidigt."]),
    ("Rubrik2", ["Resultat"]),
    ("Normal", ["Tjugo arbetsgivare och fyra utbildningsanordnare intervjuades.", "\t",
                "Valideringsbehovet är störst inom vård, bygg och transport.", "\n",
                "Samverkan med Arbetsförmedlingen är en förutsättning."]),
    ("Normal", ["Förstudien föreslår ett genomförandeprojekt om 24 månader."]),
]


def run(text):
    if text == "\t":
        return "<w:r><w:tab/></w:r>"
    if text == "\n":
        return "<w:r><w:br/></w:r>"
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<w:r><w:rPr><w:lang w:val="sv-SE"/></w:rPr><w:t xml:space="preserve">{escaped}</w:t></w:r>'


def document_xml():
    body = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{"".join(run(t) for t in runs)}</w:p>'
        for style, runs in PARAGRAPHS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    f"<dc:title>{TITLE}</dc:title><dc:creator>Växjö kommun</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2021-03-15T09:00:00Z</dcterms:created>'
    "</cp:coreProperties>"
)

with zipfile.ZipFile("slutrapport-forstudie.docx", "w", zipfile.ZIP_DEFLATED) as docx:
    docx.writestr("[Content_Types].xml", CONTENT_TYPES)
    docx.writestr("_rels/.rels", RELS)
    docx.writestr("word/document.xml", document_xml())
    docx.writestr("docProps/core.xml", CORE)

for target in ["pdf", "odt"]:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", target, "slutrapport-forstudie.docx"],
        check=True,
    )

# A report cut short in transfer: the first half of the PDF.
with open("slutrapport-forstudie.pdf", "rb") as pdf:
    whole = pdf.read()
with open("avbruten-overforing.pdf", "wb") as cut:
    cut.write(whole[: len(whole) // 2])
# A Word file whose archive lost its end: the first 400 bytes.
with open("slutrapport-forstudie.docx", "rb") as docx:
    start = docx.read(400)
with open("trasig.docx", "wb") as broken:
    broken.write(start)

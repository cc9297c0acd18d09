"""Word documents (python-docx) shared by every export: Chinese text in a CJK font."""

CJK_FONT = "Noto Sans CJK SC"
DOCX_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid")


def use_cjk_font(document) -> None:
    """Give the document's common styles an East Asian font (Word falls back to a Latin font
    otherwise and Chinese text renders in whatever the reader's machine picks)."""
    from docx.oxml.ns import qn

    for name in DOCX_STYLES:
        try:
            style = document.styles[name]
        except KeyError:
            continue
        r_pr = style.element.get_or_add_rPr()
        fonts = r_pr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = r_pr.makeelement(qn("w:rFonts"), {})
            r_pr.append(fonts)
        fonts.set(qn("w:eastAsia"), CJK_FONT)

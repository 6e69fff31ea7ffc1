"""The closed vocabularies the HTML reader recognises: tag roles and ``class``/``id`` words.

Why closed lists: the line model sees each entry as one input column, so the lists are the
model's schema (``FLAG_NAMES`` is stored with the weights and checked at load). They were
written from general knowledge of how web pages are built (the names CMS themes and front-end
frameworks commonly give their parts), not taken from any page of the training corpora.

Class and id words are matched as case-insensitive substrings by the parser's CSS engine (one
query per group, in C): ``nav`` also matches ``navbar`` and ``main-navigation``, which is the
point; the few accidental hits (``canvas``) are left for the model to weigh.
"""

from __future__ import annotations

# --- tags ---------------------------------------------------------------------------------

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li",
        "legend", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "option", "optgroup",
    }
)  # fmt: skip
"""Elements that start a new line of text (HTML's block-level and table elements)."""

SKIPPED_TAGS = frozenset(
    {
        "script", "style", "template", "svg", "math", "iframe", "object", "embed",
        "canvas", "select", "textarea", "head", "title", "meta", "link", "audio", "video",
        "picture", "source", "map", "input", "datalist",
    }
)  # fmt: skip
"""Elements whose text a reader never sees as page text (code, styles, embedded documents,
form controls); their whole subtree is left out. ``<noscript>`` is read (its content is what
a reader without scripts sees, often the article itself on pages that load it by script), and
so is ``<button>`` (accordions and tabs put headings of the article's sections in them)."""

HIDDEN_SELECTOR = (
    "[hidden], [aria-hidden=true], [style*='display:none' i], [style*='display: none' i], "
    "[style*='visibility:hidden' i], [style*='visibility: hidden' i]"
)
"""Elements hidden from readers by markup or inline style. They are *not* left out: pages built
by scripts ship their article in ``<div hidden>`` until a script moves it into place, and tabs,
accordions and "read more" sections hide article text by style (on the WCXB pages, leaving
them out lost 2 points of token recall). The line model sees a ``hidden`` flag instead."""

# Tag roles: a line carries the role of its block element and of every ancestor.
TAG_FLAGS: dict[str, tuple[str, ...]] = {
    "nav": ("tag_nav",),
    "menu": ("tag_nav",),
    "footer": ("tag_footer",),
    "aside": ("tag_aside",),
    "header": ("tag_header",),
    "figure": ("tag_figure",),
    "figcaption": ("tag_figure", "tag_caption"),
    "caption": ("tag_caption",),
    "li": ("tag_li",),
    "dd": ("tag_li",),
    "dt": ("tag_li",),
    "a": ("tag_a",),
    "h1": ("tag_h1", "tag_heading"),
    "h2": ("tag_heading",),
    "h3": ("tag_heading",),
    "h4": ("tag_heading",),
    "h5": ("tag_heading",),
    "h6": ("tag_heading",),
    "p": ("tag_p",),
    "td": ("tag_table",),
    "th": ("tag_table",),
    "form": ("tag_form",),
    "label": ("tag_form",),
    "legend": ("tag_form",),
    "option": ("tag_form",),
    "button": ("tag_form",),
    "blockquote": ("tag_quote",),
    "q": ("tag_quote",),
    "article": ("tag_article",),
    "main": ("tag_main",),
    "time": ("tag_time",),
    "address": ("tag_address",),
    "strong": ("tag_bold",),
    "b": ("tag_bold",),
    "em": ("tag_italic",),
    "i": ("tag_italic",),
    "pre": ("tag_code",),
    "code": ("tag_code",),
    "small": ("tag_small",),
    "sup": ("tag_small",),
    "sub": ("tag_small",),
    "span": (),
    "section": ("tag_section",),
    "dialog": ("tag_dialog",),
    "details": ("tag_dialog",),
}

# --- class and id words --------------------------------------------------------------------

CLASS_WORDS: dict[str, tuple[str, ...]] = {
    "cls_nav": ("nav", "menu", "breadcrumb", "pagination", "pager", "skip-link", "toc"),
    "cls_footer": ("footer", "copyright", "legal", "colophon"),
    "cls_header": ("header", "masthead", "topbar", "top-bar", "branding", "logo"),
    "cls_sidebar": ("sidebar", "side-bar", "widget", "rail", "aside", "secondary"),
    "cls_comment": ("comment", "disqus", "discussion", "respond", "reply", "replies"),
    "cls_related": (
        "related", "recommend", "more-", "popular", "trending", "teaser", "read-next",
        "readnext", "also", "outbrain", "taboola", "suggest", "card",
    ),
    "cls_share": ("share", "sharing", "social", "follow", "facebook", "twitter", "whatsapp"),
    "cls_promo": (
        "promo", "newsletter", "subscri", "signup", "sign-up", "cta", "advert", "sponsor",
        "banner", "paywall", "offer", "donate", "membership",
    ),
    "cls_ad": ("-ad-", "ad-", "-ad", "ads", "adslot", "dfp", "gpt"),
    "cls_caption": ("caption", "credit", "figcaption", "photo", "image", "gallery", "media"),
    "cls_byline": ("byline", "author", "dateline", "date", "time", "published", "meta"),
    "cls_popup": ("cookie", "consent", "gdpr", "modal", "popup", "overlay", "dialog", "lightbox"),
    "cls_tags": ("tags", "tag-", "categor", "topic", "keyword", "label"),
    "cls_screen_reader": ("sr-only", "visually-hidden", "screen-reader", "screenreader", "hidden"),
    "cls_content": (
        "content", "article", "post", "entry", "story", "body", "text", "prose",
        "rich-text", "richtext",
    ),
    "cls_title": ("title", "headline", "heading", "hed"),
    "cls_summary": ("summary", "excerpt", "intro", "lead", "dek", "standfirst", "subtitle"),
    "cls_list": ("list", "grid", "feed", "archive", "index", "river", "stream"),
    "cls_button": ("btn", "button", "icon", "toggle", "control"),
    "cls_login": ("login", "log-in", "signin", "sign-in", "account", "register", "user"),
    "cls_print": ("print", "tools", "toolbar", "actions", "utility"),
}  # fmt: skip
"""Words of ``class``/``id`` values, by what they usually mark."""

FLAG_NAMES: tuple[str, ...] = (
    *dict.fromkeys(name for names in TAG_FLAGS.values() for name in names),
    *CLASS_WORDS,
    "itemprop_body",
    "hidden",
)
"""Every flag a line can carry (each an input column of the line model), in bit order."""

FLAG_BITS: dict[str, int] = {name: 1 << i for i, name in enumerate(FLAG_NAMES)}

TAG_BITS: dict[str, int] = {
    tag: sum(FLAG_BITS[name] for name in names) for tag, names in TAG_FLAGS.items()
}
"""Bits an element of each tag adds to the flags of its subtree."""

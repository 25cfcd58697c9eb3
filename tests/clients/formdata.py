"""What a browser submits for a rendered HTML form (inputs, selects, textareas)."""

from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "image", "file", "reset"}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.current = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "data": [],
            }
            self.forms.append(self.current)
        if self.current is None:
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            name = attrs.get("name")
            if not name or kind in SKIPPED_INPUTS or "disabled" in attrs:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.current["data"].append((name, attrs.get("value", "on")))
                return
            self.current["data"].append((name, attrs.get("value") or ""))
        elif tag == "select" and "disabled" not in attrs:
            self.select = {
                "name": attrs.get("name"),
                "multiple": "multiple" in attrs,
                "chosen": [],
                "first": None,
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea" and "disabled" not in attrs:
            self.textarea = {"name": attrs.get("name"), "text": ""}

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None:
            select, self.select = self.select, None
            if select["name"] and self.current is not None:
                values = select["chosen"]
                if not values and not select["multiple"]:
                    values = [select["first"] or ""]
                self.current["data"].extend((select["name"], v) for v in values)
        elif tag == "textarea" and self.textarea is not None:
            textarea, self.textarea = self.textarea, None
            if textarea["name"] and self.current is not None:
                # Browsers drop the one newline that follows <textarea>.
                text = textarea["text"].removeprefix("\n")
                self.current["data"].append((textarea["name"], text))
        elif tag == "form":
            self.current = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data


def form_data(html, action_contains=""):
    """The fields of the largest POST form (whose action contains ``action_contains``)."""
    parser = _FormParser()
    parser.feed(html)
    forms = [f for f in parser.forms if f["method"] == "post" and action_contains in f["action"]]
    if not forms:
        return None
    form = max(forms, key=lambda f: len(f["data"]))
    data = {}
    for name, value in form["data"]:
        data.setdefault(name, []).append(value)
    return data

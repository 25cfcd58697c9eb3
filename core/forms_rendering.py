"""Form fields render through Django's field templates: ``{{ field.as_field_group }}`` gives the
house markup (label, required mark, help, errors beside the field, ARIA references)."""

from django.forms.renderers import TemplatesSetting


class SiteFormRenderer(TemplatesSetting):
    field_template_name = "components/form_field.html"

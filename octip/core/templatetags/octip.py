from django import template

register = template.Library()


@register.simple_tag
def field_widget(field):
    """Render a bound field's widget with its help text and errors tied by aria-describedby."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}-errors")
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)

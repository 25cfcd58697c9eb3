"""One way to refuse input: raise ``Refused`` with the message a person should read.

Services raise it (optionally naming the form field it belongs to); views either copy it onto
the form they re-render (``refusal.add_to(form)``) or let it rise, and ``RefusalMiddleware``
answers with the 400 page carrying the message. Nothing is saved: services raise before writing
or inside a transaction that the exception rolls back.
"""

from django.template.response import TemplateResponse


class Refused(Exception):
    def __init__(self, message, field=None, status=400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status

    def __str__(self):
        return str(self.message)

    def add_to(self, form):
        """Show the refusal beside its field (or above the form when the field is not on it)."""
        field = self.field if self.field in form.fields else None
        form.add_error(field, self.message)


class RefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Refused):
            return None
        response = TemplateResponse(
            request, "400.html", {"message": exception.message}, status=exception.status
        )
        return response.render()

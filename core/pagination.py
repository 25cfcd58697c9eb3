"""Pages of a list: a page number that is not a number, or out of range, is a 404."""

from django.core.paginator import Paginator
from django.http import Http404


def paginate(request, items, per_page):
    """A page of a list; a page number that is not a number or out of range is a 404."""
    paginator = Paginator(items, per_page)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(int(number))
    except (ValueError, TypeError) as error:
        raise Http404("bad page") from error
    except Exception as error:  # EmptyPage, InvalidPage
        raise Http404("no such page") from error

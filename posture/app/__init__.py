"""The Streamlit layer: pages call ``app.page_setup()`` and draw with the helpers named here.

Modules: ``navigation`` (the page list), ``loading`` (dataset, error panel, shared filters,
cached views), ``url_state`` (widgets kept in the address bar), ``display`` (figures, tables,
downloads), ``cache`` (every cache, with its bounds), ``layer_view`` (imported layers),
``serve``/``asgi`` (the server).
"""

from posture.app.display import (
    latest_figure,
    lazy_tabs,
    link_column,
    metric_row,
    milestone_legend,
    plotly,
    plotly_map,
    plotly_pair,
    show_table,
    status_by_country,
)
from posture.app.loading import PageContext, page_setup
from posture.app.navigation import end_page
from posture.app.url_state import (
    FIRST_DATE,
    bound,
    date_in,
    multiselect,
    one_of,
    search_box,
    some_of,
)

__all__ = [
    "FIRST_DATE",
    "PageContext",
    "bound",
    "date_in",
    "end_page",
    "latest_figure",
    "lazy_tabs",
    "link_column",
    "metric_row",
    "milestone_legend",
    "multiselect",
    "one_of",
    "page_setup",
    "plotly",
    "plotly_map",
    "plotly_pair",
    "search_box",
    "show_table",
    "some_of",
    "status_by_country",
]

"""The contact table's columns: what the exports write and the import reads, in this order.

Names are stable and machine-readable; the README documents them. One row is one appointment
(a person with no role gets one row with the role columns empty).
"""

from focalpoints.focal_points.models import CONTACT_FIELDS

CONTACT_COLUMNS = (
    "country",  # ISO 3166-1 alpha-2 of the country represented
    "country_name",  # its UN short name in the export's language (informative; not imported)
    "convention",  # CMS, CBD, CITES, RAMSAR ...
    "role",  # role code, such as CMS-NFP
    "role_name",  # the role's name (informative; the import reads the code)
    "status",  # proposed, endorsed, notified, acknowledged, ended
    "primary",  # yes / no
    "start_date",  # YYYY-MM-DD
    "end_date",
    "last_confirmed",
    *CONTACT_FIELDS,  # the person's, from honorific to languages (lists separated by ;)
    "holder_kind",  # person / institution
    "visibility",  # public / registered / restricted
)
LIST_SEPARATOR = ";"

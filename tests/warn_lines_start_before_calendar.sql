-- Rule 2 counts a line from the month it starts, but the calendar holds months from the var
-- calendar_start (1970-01) on: a line that starts earlier (a sentinel like 1900-01-01, mostly)
-- is counted from calendar_start, its earlier months left out. One row per such line.
{{ config(severity='warn') }}

select
    line_source,
    line_id,
    account_id,
    line_from
from {{ ref('int_revenue_lines') }}
where first_counted_month < {{ calendar_start() }}

{#- For the singular tests that reconcile two facts account-month by account-month.

    `signed_rows` is a query of month, account_id and numeric columns, one part per fact, arranged so
    that each of `differences` (expressions of those columns) adds up to 0 over an account-month's rows
    when the facts agree there. Returns the account-months where one does not, each column summed.

    Grouping every row by account-month is an aggregation into ~14M groups at a million accounts.
    Each month is checked first instead: a month's differences, every account's weighted by a
    pseudo-random number drawn from its id (checksum_weight), add up to 0 when all its account-months'
    do, and otherwise only when the weights happen to cancel them exactly (about 1 in 2^31 on DuckDB:
    two accounts' errors would need weights in just the ratio of their amounts). Only the months from the
    first one that fails are then grouped by account (on its 64-bit key, macros/splits.sql), so the
    rows a failure shows are exact. This is how data-diff tools compare tables: checksums of
    segments, then the rows of the segments that differ. At 1M accounts the three reconciliations
    took 3.0 s alone instead of 7.8 s. -#}
{% macro account_months_not_adding_up(signed_rows, columns, differences) -%}
with months_not_adding_up as (
    select month
    from ({{ signed_rows }}) as signed_rows
    group by month
    having
        {%- for difference in differences %}
        sum({{ checksum_weight('account_id') }} * ({{ difference }})) != 0{{ ' or' if not loop.last }}
        {%- endfor %}
)

{#- A range rather than `month in (...)`: DuckDB filters the scans by a scalar subquery's value, but
    built a hash table of every signed row to semi-join a handful of months. #}
select
    month,
    min(account_id) as account_id,
    {%- for column in columns %}
    sum({{ column }}) as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from ({{ signed_rows }}) as signed_rows
where month >= (select min(month) from months_not_adding_up)
group by
    month,
    {{ value_fingerprint('account_id') }}
having
    {%- for difference in differences %}
    sum({{ difference }}) != 0{{ ' or' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- A whole number below 2^31 drawn from a text value, the same on every run. -#}
{% macro checksum_weight(column) -%}
    {{ return(adapter.dispatch('checksum_weight', 'mrr_warehouse')(column)) }}
{%- endmacro %}

{#- Postgres: 28 bits of the value's md5. -#}
{% macro default__checksum_weight(column) -%}
    cast(cast('x' || substr(md5(coalesce({{ column }}, '')), 1, 7) as bit(28)) as integer)
{%- endmacro %}

{% macro duckdb__checksum_weight(column) -%}
    (hash({{ column }}) % 2147483647)
{%- endmacro %}

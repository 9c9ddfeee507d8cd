{#- Vars are validated before they reach SQL: they arrive from the command line. -#}

{#- as_of: the var, else MRR_AS_OF, else today. `mrr build` sets MRR_AS_OF, read only when executing:
    dbt re-parses the whole project whenever a var changes, but not for an env var parsing never saw. -#}
{% macro as_of_date() -%}
    {%- set as_of = var('as_of', none) or (env_var('MRR_AS_OF', '') if execute else '')
        or run_started_at.strftime('%Y-%m-%d') -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of | string) -%}
        {{ exceptions.raise_compiler_error("var as_of must be a date YYYY-MM-DD, got: " ~ as_of) }}
    {%- endif -%}
    cast('{{ as_of }}' as date)
{%- endmacro %}

{% macro as_of_month() -%}
    cast({{ dbt.date_trunc('month', as_of_date()) }} as date)
{%- endmacro %}

{% macro reporting_currency() -%}
    {%- set currency = var('reporting_currency', 'USD') | string | upper -%}
    {%- if not modules.re.match('^[A-Z]{3}$', currency) -%}
        {{ exceptions.raise_compiler_error("var reporting_currency must be a 3-letter code, got: " ~ currency) }}
    {%- endif -%}
    '{{ currency }}'
{%- endmacro %}

{#- Earliest month the calendar holds. It bounds the months a line with a sentinel start date
    (1900-01-01) expands to; lines that start earlier are counted from it and listed by the warning
    test warn_lines_start_before_calendar. -#}
{% macro calendar_start() -%}
    {%- set start = var('calendar_start', '1970-01-01') | string -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-01$', start) -%}
        {{ exceptions.raise_compiler_error("var calendar_start must be a first of month YYYY-MM-01, got: " ~ start) }}
    {%- endif -%}
    cast('{{ start }}' as date)
{%- endmacro %}

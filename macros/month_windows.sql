{#- Rule 2: a window [valid_from, valid_to) counts in month M when
    valid_from <= snapshot(M) < valid_to, where snapshot(M) = least(last day of M, as_of).
    Because only the snapshot day matters, a window counts in one contiguous run of months:
    from the month of valid_from to the month before valid_to's month (or to the as_of month
    when valid_to is after as_of / open). These give that run's ends, so lines expand to
    exactly their counted months instead of being filtered from a full calendar. -#}

{% macro first_counted_month(valid_from) -%}
    case
        when {{ valid_from }} is null then {{ calendar_start() }}
        when {{ valid_from }} <= {{ as_of_date() }}
            then cast({{ dbt.date_trunc('month', valid_from) }} as date)
    end
{%- endmacro %}

{% macro last_counted_month(valid_to) -%}
    case
        when {{ valid_to }} is null or {{ valid_to }} > {{ as_of_date() }} then {{ as_of_month() }}
        else cast({{ dbt.dateadd('month', -1, dbt.date_trunc('month', valid_to)) }} as date)
    end
{%- endmacro %}

{#- Pre-hook of history.mrr_as_reported. A build at the same as_of as the previous one replaces that
    build's report of the months it recomputes instead of restating it: in those months, the versions
    reported at this as_of are removed and the versions they superseded are current again; then the
    months are compared as usual. Rebuilding an as_of after a correction leaves no restatement. -#}
{% macro reopen_reports_of_this_as_of() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where reported_as_of = {{ as_of_date() }}
            and {{ in_recompute_window('month') }};

        update {{ this }}
        set superseded_as_of = null
        where superseded_as_of = {{ as_of_date() }}
            and {{ in_recompute_window('month') }}
    {%- endif -%}
{%- endmacro %}

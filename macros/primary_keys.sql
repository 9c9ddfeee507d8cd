{#- The key groups of rows_checked (a query) that break a primary key: a key held by more than one row,
    or with a null part (a BI tool joining on it drops the row without a word). With their row count.
    Both checks ride on one aggregation, so a key costs one scan, not a unique and a not_null query. -#}
{% macro default__primary_key_violations(rows_checked, columns) %}
    select
        {{ columns | join(', ') }},
        count(*) as rows_with_key
    from ({{ rows_checked }}) as rows_checked
    group by {{ columns | join(', ') }}
    having count(*) > 1 or {{ any_is_null(columns) }}
{% endmacro %}

{#- Grouping ~15M composite keys of strings costs ~2.7 s at 1M accounts; grouping their 64-bit hashes
    ~1.2 s. Hashes that repeat are only candidates (two keys may share a hash): the keys behind them
    are grouped exactly, and without a repeat that second scan finds nothing to join and is ~0.4 s.
    Null parts are found by a filtered scan of their own: in the hash aggregation they cost ~0.2 s more
    at 13.5M keys. -#}
{% macro duckdb__primary_key_violations(rows_checked, columns) %}
    with candidate_hashes as (
        select hash({{ columns | join(', ') }}) as key_hash
        from ({{ rows_checked }}) as rows_checked
        group by 1
        having count(*) > 1
    ),

    repeated_whole_keys as (
        select
            {{ columns | join(', ') }},
            count(*) as rows_with_key
        from ({{ rows_checked }}) as rows_checked
        semi join candidate_hashes
            on hash({{ columns | join(', ') }}) = candidate_hashes.key_hash
        group by {{ columns | join(', ') }}
        having count(*) > 1 and not {{ any_is_null(columns) }}
    ),

    keys_with_a_null_part as (
        select
            {{ columns | join(', ') }},
            count(*) as rows_with_key
        from ({{ rows_checked }}) as rows_checked
        where {{ any_is_null(columns) }}
        group by {{ columns | join(', ') }}
    )

    select * from repeated_whole_keys
    union all
    select * from keys_with_a_null_part
{% endmacro %}

{% macro any_is_null(columns) -%}
    ({% for column in columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %})
{%- endmacro %}

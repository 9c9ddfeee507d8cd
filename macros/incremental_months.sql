{#- Incremental month-grain models. A month's MRR depends only on the inputs that count in that
    month (lines, discounts, rates, as_of), so a build that is not a full refresh recomputes the
    months from int_mrr_recompute_window.recompute_from_month on and keeps the earlier ones.
    Each such model filters its inputs with in_recompute_window() and is configured with
      materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail'.
    A model whose months also depend on something else names its own window model, one row with
    recompute_from_month, no later than int_mrr_recompute_window's: config(recompute_window='...'). -#}

{#- The strategy: every stored month from recompute_from_month on is deleted, whether or not the new
    rows still have it (so a month that lost all its rows is emptied), then the new rows go in. -#}
{% macro get_incremental_replace_months_sql(arg_dict) -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where month >= {{ recompute_from_month(window=config.get('recompute_window')) }};

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#- `<month_column> >= first recomputed month` on an incremental run, `true` otherwise. A model that
    compares a month with the one before reads its inputs from months_before months earlier. -#}
{% macro in_recompute_window(month_column, months_before=0) -%}
    {#- Unit tests have no `this`: they test the full computation unless they override is_incremental. -#}
    {%- if this is not none and is_incremental() -%}
        {{ month_column }} >= {{ recompute_from_month(months_before, window=config.get('recompute_window')) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The window is read as a literal date, so DuckDB can skip whole row groups of older months.
    It is looked up in the graph rather than ref()'d: only incremental runs read it, and every
    incremental month model is downstream of int_revenue_line_months (a view), which depends on the window
    (mrr_report_dates, incremental too, reads no window). -#}
{% macro recompute_from_month(months_before=0, window=none) -%}
    {%- if not execute -%}
        {{ calendar_start() }}
    {%- else -%}
        {%- set query = 'select recompute_from_month from ' ~ recompute_window_relation(window) -%}
        {%- set first_month = run_query(query).columns[0].values()[0] -%}
        {%- set literal = "cast('" ~ first_month ~ "' as date)" -%}
        {%- if months_before -%}
            cast({{ dbt.dateadd('month', -months_before, literal) }} as date)
        {%- else -%}
            {{ literal }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro recompute_window_relation(window_model=none) -%}
    {%- set window_name = window_model or 'int_mrr_recompute_window' -%}
    {%- set window = graph.nodes.values() | selectattr('name', 'equalto', window_name) | first -%}
    {{ return(api.Relation.create(database=window.database, schema=window.schema, identifier=window.alias)) }}
{%- endmacro %}

{#- For data tests of incremental models: the months this build wrote (every month on a full refresh,
    see int_mrr_recompute_window). Earlier months were tested by the build that wrote them and have
    not changed since. -#}
{% macro in_months_this_build_wrote(month_column, months_before=0) -%}
    {%- if execute -%}
        {%- set first_month = '(select recompute_from_month from ' ~ recompute_window_relation() ~ ')' -%}
        {{ month_column }} >= {{ dbt.dateadd('month', -months_before, first_month) if months_before else first_month }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- A whole number drawn from the listed columns that changes whenever any of them does: 64 bits on
    DuckDB, 60 on the others, so that sums of many of them stay exact (int_mrr_input_checksums). -#}
{% macro row_checksum(columns) -%}
    {{ return(adapter.dispatch('row_checksum', 'mrr_warehouse')(columns)) }}
{%- endmacro %}

{#- Postgres: 60 bits of the md5 of the values, each null written as '<null>', separated by '|'. -#}
{% macro default__row_checksum(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    cast(cast('x' || substr({{ dbt.hash(dbt.concat(parts)) }}, 1, 15) as bit(60)) as bigint)
{%- endmacro %}

{% macro duckdb__row_checksum(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#- The slice attributes of `accounts` (dim_accounts' columns), as checksums summed by first active
    month: an account whose segment, region, industry or owner changed, or that came or went, changes
    the sum of its first active month, from which the slices recompute (int_slice_recompute_window);
    an account without an active month is in no slice. The columns of int_mrr_input_checksums. -#}
{% macro slice_attribute_checksums(accounts) -%}
    select
        'attributes' as change_kind,
        first_active_month as recompute_from_month,
        cast(sum({{ row_checksum(['account_id'] + account_slice_types()) }}) as decimal(38, 0)) as checksum_total,
        count(*) as checked_rows
    from {{ accounts }}
    where first_active_month is not null
    group by first_active_month
{%- endmacro %}

{#- The earliest recompute_from_month whose checksum or count differs between `current` (the inputs as
    this build sees them) and `built` (as the stored months were built from), a month on one side only
    included; null when none differs. Both hold the columns of int_mrr_input_checksums. -#}
{% macro earliest_month_with_changed_checksums(current, built) -%}
    select
        min(coalesce({{ current }}.recompute_from_month, {{ built }}.recompute_from_month))
            as recompute_from_month
    from {{ current }}
    full outer join {{ built }}
        on {{ current }}.change_kind = {{ built }}.change_kind
        and {{ current }}.recompute_from_month = {{ built }}.recompute_from_month
    where {{ current }}.checksum_total is distinct from {{ built }}.checksum_total
        or {{ current }}.checked_rows is distinct from {{ built }}.checked_rows
{%- endmacro %}

{#- A change to the SQL of any incremental model, or of a view one reads (through other views),
    invalidates every stored month: a new rule must not apply to the recomputed months only. Tables
    they read are not code here: what they hold is fingerprinted as data. (dbt's graph has no macro
    bodies: after changing a macro they use, build with --full-refresh.) -#}
{% macro month_models_code_fingerprint() -%}
    {%- set checksums = [] -%}
    {%- for unique_id in month_models_code_nodes() -%}
        {%- do checksums.append(unique_id ~ '=' ~ graph.nodes[unique_id].checksum.checksum) -%}
    {%- endfor -%}
    '{{ local_md5(checksums | join(";")) }}'
{%- endmacro %}

{#- The unique ids of the incremental models and of the views they read, directly or through views; sorted. -#}
{% macro month_models_code_nodes() -%}
    {%- set found = {} -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.config.materialized == 'incremental' -%}
                {%- do found.update({node.unique_id: node}) -%}
            {%- endif -%}
        {%- endfor -%}
        {#- Jinja has no while loop: each pass adds the views one step further up; chains are short. -#}
        {%- for _ in range(10) -%}
            {%- for node in found.values() | list -%}
                {%- for parent_id in node.depends_on.nodes -%}
                    {%- set parent = graph.nodes.get(parent_id) -%}
                    {%- if parent and parent.resource_type == 'model' and parent.config.materialized in ('view', 'ephemeral') -%}
                        {%- do found.update({parent_id: parent}) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found.keys() | sort) }}
{%- endmacro %}

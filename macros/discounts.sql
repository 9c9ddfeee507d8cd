{#- Rule 4's discount terms: the product of the active percent factors (1 - p/100) of a subscription
    and the sum of its active amounts off per billing period, in the months of `months` (a discount
    counts in a month its window covers the snapshot of). `discounts` is
    int_subscription_discounts_validated. By default one row per month of `months` and subscription
    with an active discount (int_subscription_mrr_discounted, which applies them); given a
    `subscription_column`, `months` names its subscription and month per row, keyed by `key_columns`
    (fct_mrr_expansion_drivers, which values seat and plan changes at them). -#}
{% macro discount_terms(discounts, months, month_column='month', subscription_column=none, key_columns=['month']) -%}
    {%- set group_columns = [] -%}
    {%- for column in key_columns -%}
        {%- do group_columns.append(months ~ '.' ~ column) -%}
    {%- endfor -%}
    {%- if subscription_column is none -%}
        {%- do group_columns.append(discounts ~ '.subscription_id') -%}
    {%- endif %}
    select
        {%- for column in group_columns %}
        {{ column }},
        {%- endfor %}
        {#- DuckDB's lambda syntax is newer than sqlfluff's parser. #}
        {{ product_of_factors('1 - coalesce(' ~ discounts ~ '.percent_off, 0) * 0.01') }}  -- noqa: PRS
            as percent_factor,
        sum({{ discounts }}.amount_off) as amount_off_per_period
    from {{ discounts }}
    inner join {{ months }}
        on {{ months }}.{{ month_column }} >= {{ first_counted_month(discounts ~ '.valid_from') }}
        and {{ months }}.{{ month_column }} <= {{ last_counted_month(discounts ~ '.valid_to') }}
        {%- if subscription_column is not none %}
        and {{ months }}.{{ subscription_column }} = {{ discounts }}.subscription_id
        {%- endif %}
    where {{ discounts }}.rejection_reason is null
    group by
        {{ group_columns | join(',\n        ') }}
{%- endmacro %}

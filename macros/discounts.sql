{#- Rule 4's discount terms of each subscription in each month a discount is active in: the product
    of its active percent factors (1 - p/100) and the sum of its active amounts off per billing
    period. `discounts` is int_subscription_discounts_validated, `months` holds the reporting
    months to cover (a `month` column). Shared by int_subscription_mrr_discounted, which applies the
    terms, and fct_mrr_expansion_drivers, which values seat and plan changes at them. -#}
{% macro discount_terms_by_month(discounts, months) -%}
    select
        {{ months }}.month,
        {{ discounts }}.subscription_id,
        {#- DuckDB's lambda syntax is newer than sqlfluff's parser. #}
        {{ product_of_factors('1 - coalesce(' ~ discounts ~ '.percent_off, 0) * 0.01') }}  -- noqa: PRS
            as percent_factor,
        sum({{ discounts }}.amount_off) as amount_off_per_period
    from {{ discounts }}
    inner join {{ months }}
        on {{ months }}.month >= {{ first_counted_month(discounts ~ '.valid_from') }}
        and {{ months }}.month <= {{ last_counted_month(discounts ~ '.valid_to') }}
    where {{ discounts }}.rejection_reason is null
    group by
        {{ months }}.month,
        {{ discounts }}.subscription_id
{%- endmacro %}

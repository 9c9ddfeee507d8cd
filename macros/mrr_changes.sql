{#- Rule 8, once for every grain that has its own movements (reporting accounts, parent
    rollups): from (month, key, mrr, fx_effect) rows of active or inactive months, the
    active months plus each churn month with opening/closing MRR and the movement amounts.
      prev = 0, cur > 0: new (first active month ever) or reactivation, amount = cur
      prev > 0, cur = 0: churn, amount = prev
      both > 0: fx = the exchange-rate effect, the rest (cur - prev - fx) is expansion when
                positive, contraction when negative; so fx never shows as expansion.
    Inputs are whole cents, so opening + movements = closing exactly.
    An incremental model passes only the months it recomputes and the month before, and the whole
    history as all_account_months (read directly: DuckDB would hold a CTE read twice in memory), from
    which the first active month comes. key names the column that identifies the account. -#}
{% macro mrr_changes(account_months, all_account_months=none, key='account_id') -%}
first_active_months as (
    select
        {{ key }},
        min(month) as first_active_month
    from {{ all_account_months or account_months }}
    where mrr > 0
    group by {{ key }}
),

active_months as (
    select
        recent_months.month,
        recent_months.{{ key }},
        recent_months.mrr,
        recent_months.fx_effect,
        first_active_months.first_active_month,
        lag(recent_months.month) over (
            partition by recent_months.{{ key }} order by recent_months.month
        ) as previous_active_month,
        lag(recent_months.mrr) over (
            partition by recent_months.{{ key }} order by recent_months.month
        ) as previous_active_mrr,
        lead(recent_months.month) over (
            partition by recent_months.{{ key }} order by recent_months.month
        ) as next_active_month
    from {{ account_months }} as recent_months
    inner join first_active_months
        on recent_months.{{ key }} = first_active_months.{{ key }}
    where recent_months.mrr > 0
),

-- An active month opens with last month's MRR when last month was active too; the month after
-- an account's last active month in a run is a churn month, which opens with that month's MRR.
churn_months as (
    select
        cast({{ dbt.dateadd('month', 1, 'month') }} as date) as month,
        {{ key }},
        mrr as opening_mrr,
        cast(0 as decimal(18, 2)) as closing_mrr,
        cast(0 as decimal(18, 2)) as fx_effect,
        first_active_month
    from active_months
    where cast({{ dbt.dateadd('month', 1, 'month') }} as date) <= {{ as_of_month() }}
        and (
            next_active_month is null
            or next_active_month > cast({{ dbt.dateadd('month', 1, 'month') }} as date)
        )
),

with_opening as (
    select
        month,
        {{ key }},
        case
            when previous_active_month = cast({{ dbt.dateadd('month', -1, 'month') }} as date)
                then previous_active_mrr
            else cast(0 as decimal(18, 2))
        end as opening_mrr,
        mrr as closing_mrr,
        fx_effect,
        first_active_month
    from active_months
    union all
    select
        month,
        {{ key }},
        opening_mrr,
        closing_mrr,
        fx_effect,
        first_active_month
    from churn_months
),

with_fx as (
    select
        month,
        {{ key }},
        opening_mrr,
        closing_mrr,
        first_active_month,
        case when opening_mrr > 0 and closing_mrr > 0 then fx_effect else 0 end as fx_mrr
    from with_opening
),

mrr_changes as (
    select
        month,
        {{ key }},
        cast(opening_mrr as decimal(18, 2)) as opening_mrr,
        cast(closing_mrr as decimal(18, 2)) as closing_mrr,
        cast(case
            when opening_mrr = 0 and closing_mrr > 0 and month = first_active_month then closing_mrr else 0
        end as decimal(18, 2)) as new_mrr,
        cast(case
            when opening_mrr = 0 and closing_mrr > 0 and month > first_active_month then closing_mrr else 0
        end as decimal(18, 2)) as reactivation_mrr,
        cast(case
            when opening_mrr > 0 and closing_mrr > 0 and closing_mrr - opening_mrr - fx_mrr > 0
                then closing_mrr - opening_mrr - fx_mrr
            else 0
        end as decimal(18, 2)) as expansion_mrr,
        cast(case
            when opening_mrr > 0 and closing_mrr > 0 and closing_mrr - opening_mrr - fx_mrr < 0
                then opening_mrr - closing_mrr + fx_mrr
            else 0
        end as decimal(18, 2)) as contraction_mrr,
        cast(case when opening_mrr > 0 and closing_mrr = 0 then opening_mrr else 0 end as decimal(18, 2))
            as churn_mrr,
        cast(fx_mrr as decimal(18, 2)) as fx_mrr,
        first_active_month
    from with_fx
)
{%- endmacro %}

{#- One row per non-zero movement from a wide changes relation: {movement_type: signed amount
    expression}. Shared by the account and the product movement facts. One pass over the changes,
    each row met by every movement type: a union of one filtered read per type made DuckDB hold
    the product changes (a view) in memory whole, ~0.65 GB more at 1M accounts for no less time. -#}
{% macro unpivot_movements(relation, key_columns, signed_amounts) -%}
    select *
    from (
        select
            {%- for column in key_columns %}
            {{ relation }}.{{ column }},
            {%- endfor %}
            movement_types.movement_type,
            case movement_types.movement_type
                {%- for movement_type, signed_amount in signed_amounts.items() %}
                when '{{ movement_type }}' then {{ signed_amount }}
                {%- endfor %}
            end as mrr_change
        from {{ relation }}
        cross join (
            {%- for movement_type in signed_amounts %}
            select '{{ movement_type }}' as movement_type{{ "\n            union all" if not loop.last }}
            {%- endfor %}
        ) as movement_types
    ) as every_movement_type
    where mrr_change != 0
{%- endmacro %}

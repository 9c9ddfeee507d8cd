{#- Exact money arithmetic. MRR divides by 3, 12 or 12 x interval_count; dividing decimals in
    DuckDB yields a double, which turns 50.005 into 50.00499... and rounds the wrong way. So every
    amount stays a decimal, numerators of an account-month are brought to a common denominator
    and added up exactly, and the one division per account-month happens here, rounding to the cent
    once: on DuckDB as 128-bit integer limbs divided into whole cents (duckdb__converted_sums_rounded_to_cents),
    elsewhere at 18 decimals (round_to_cents). -#}

{#- A common multiple of an account-month's denominators (12 x interval_count), as an aggregate:
    its parts, brought to it, add up exactly, and one exact division of the sum cannot round the
    wrong way. Parts divided one by one and then added can: 1560.12/156 + 3121.32/312 is exactly
    20.005, but each quotient cut at 18 decimals adds up to 20.00499... (interval counts 13 and 26). -#}
{% macro common_denominator(denominator) -%}
    {{ return(adapter.dispatch('common_denominator', 'mrr_warehouse')(denominator)) }}
{%- endmacro %}

{#- The product of the distinct denominators: a common multiple, if not the least one. -#}
{% macro default__common_denominator(denominator) -%}
    cast(round(exp(sum(distinct ln({{ denominator }})))) as bigint)
{%- endmacro %}

{% macro duckdb__common_denominator(denominator) -%}
    list_reduce(list(distinct cast({{ denominator }} as bigint)), lambda a, b: lcm(a, b))
{%- endmacro %}

{#- CTEs ending in `name`: one row per (month, account_key) of `parts` with each of `amounts` rounded
    to the cent: the sum of the parts' `<amount>_local_numerator x <amount>_rate / mrr_denominator`,
    brought to a common denominator and divided once, exactly. -#}
{% macro exact_sums_rounded_to_cents(parts, amounts, name) -%}
{{ parts }}_denominators as (
    select
        month,
        account_key,
        {{ common_denominator('mrr_denominator') }} as common_denominator
    from {{ parts }}
    group by
        month,
        account_key
),

{{ name }}_weighted_parts as (
    select
        {{ parts }}.*,
        {{ parts }}_denominators.common_denominator,
        cast({{ parts }}_denominators.common_denominator / {{ parts }}.mrr_denominator as bigint) as weight
    from {{ parts }}
    inner join {{ parts }}_denominators
        on {{ parts }}.account_key = {{ parts }}_denominators.account_key
        and {{ parts }}.month = {{ parts }}_denominators.month
),

{{ converted_sums_rounded_to_cents(name ~ '_weighted_parts', amounts, name, ['month', 'account_key']) }}
{%- endmacro %}

{#- A CTE `name` (after helper CTEs of its own): one row per `keys` of `weighted_parts` with each of
    `amounts` rounded to the cent: sum(<amount>_local_numerator x <amount>_rate x weight) /
    common_denominator, exactly (common_denominator is the same within a row of `keys`). -#}
{% macro converted_sums_rounded_to_cents(weighted_parts, amounts, name, keys) -%}
    {{ return(adapter.dispatch('converted_sums_rounded_to_cents', 'mrr_warehouse')(
        weighted_parts, amounts, name, keys
    )) }}
{%- endmacro %}

{#- Numerators with 12 decimals times rates with 15 need 27 decimals, more than 38-digit decimals
    hold for large amounts; cut to 12, three parts each rounded down can sum to 108.27499... where the
    exact sum is 108.275. Here each part is (12 decimals) an integer of 10^-12 units and its rate an
    integer of 10^-15, split in three 6-digit limbs; the limbs' products fit 128-bit integers, are
    summed limb by limb, and the carries are taken only at the end, before the one division. -#}
{% macro duckdb__converted_sums_rounded_to_cents(weighted_parts, amounts, name, keys) -%}
{{ name }}_limb_sums as (
    select
        {{ keys | join(',\n        ') }},
        common_denominator,
        {%- for amount in amounts %}
        {%- set units = integer_units(amount ~ '_local_numerator', 12) ~ ' * weight' %}
        {%- set rate_units = integer_units('cast(' ~ amount ~ '_rate as ' ~ type_exchange_rate() ~ ')', 15) %}
        sum({{ units }} * ({{ rate_units }} // 1000000000000)) as {{ amount }}_limb_2,
        sum({{ units }} * ({{ rate_units }} // 1000000 % 1000000)) as {{ amount }}_limb_1,
        sum({{ units }} * ({{ rate_units }} % 1000000)) as {{ amount }}_limb_0{{ "," if not loop.last }}
        {%- endfor %}
    from {{ weighted_parts }}
    group by
        {{ keys | join(',\n        ') }},
        common_denominator
),

{#- The carries, so that sum x 10^27 = high x 10^12 + low, with 0 <= low < 10^12. -#}
{{ name }}_carried_once as (
    select
        {{ keys | join(',\n        ') }},
        common_denominator,
        {%- for amount in amounts %}
        {{ amount }}_limb_2,
        {{ amount }}_limb_1 + {{ floor_divide(amount ~ '_limb_0', 1000000) }} as {{ amount }}_limb_1,
        {{ floor_modulo(amount ~ '_limb_0', 1000000) }} as {{ amount }}_digits_0{{ "," if not loop.last }}
        {%- endfor %}
    from {{ name }}_limb_sums
),

{{ name }}_carried as (
    select
        {{ keys | join(',\n        ') }},
        cast(common_denominator as hugeint) * 10000000000000 as cent_divisor,
        {%- for amount in amounts %}
        {{ amount }}_limb_2 + {{ floor_divide(amount ~ '_limb_1', 1000000) }} as {{ amount }}_high,
        {{ floor_modulo(amount ~ '_limb_1', 1000000) }} * 1000000 + {{ amount }}_digits_0
            as {{ amount }}_low{{ "," if not loop.last }}
        {%- endfor %}
    from {{ name }}_carried_once
),

{#- In cents, sum x 100 / common_denominator = (high + low / 10^12) / cent_divisor: its floor, and
    what remains of it over cent_divisor x 10^12, which decides the rounding. -#}
{{ name }}_divided as (
    select
        {{ keys | join(',\n        ') }},
        cent_divisor * 1000000000000 as remainder_divisor,
        {%- for amount in amounts %}
        {{ amount }}_high >= 0 as {{ amount }}_is_positive,
        {{ floor_divide(amount ~ '_high', 'cent_divisor') }} as {{ amount }}_whole_cents,
        {{ floor_modulo(amount ~ '_high', 'cent_divisor') }} * 1000000000000 + {{ amount }}_low
            as {{ amount }}_remainder{{ "," if not loop.last }}
        {%- endfor %}
    from {{ name }}_carried
),

{#- Half away from zero: a half cent rounds up when the sum is positive, down when it is negative. -#}
{{ name }} as (
    select
        {{ keys | join(',\n        ') }},
        {%- for amount in amounts %}
        {{ cents_to_money(
            amount ~ '_whole_cents + case when 2 * ' ~ amount ~ '_remainder > remainder_divisor or (2 * '
            ~ amount ~ '_remainder = remainder_divisor and ' ~ amount ~ '_is_positive) then 1 else 0 end'
        ) }} as {{ amount }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ name }}_divided
)
{%- endmacro %}

{#- Other engines: decimal arithmetic, exact where their decimals hold the products (Postgres's
    numeric always does). -#}
{% macro default__converted_sums_rounded_to_cents(weighted_parts, amounts, name, keys) -%}
{{ name }} as (
    select
        {{ keys | join(',\n        ') }},
        {%- for amount in amounts %}
        {{ round_to_cents(
            'sum(' ~ amount ~ '_local_numerator * ' ~ amount ~ '_rate * weight) / common_denominator'
        ) }} as {{ amount }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ weighted_parts }}
    group by
        {{ keys | join(',\n        ') }},
        common_denominator
)
{%- endmacro %}

{#- DuckDB only, like the two below (hugeint, //): helpers of duckdb__converted_sums_rounded_to_cents.
    A decimal with at most `scale` decimals as a whole number of 10^-scale units, split at the decimal
    point so that large values cannot overflow the scaling. -#}
{% macro integer_units(value, scale) -%}
    {%- set unit = '1' ~ '0' * scale -%}
    (
        cast(floor({{ value }}) as hugeint) * {{ unit }}
        + cast(({{ value }} - floor({{ value }})) * {{ unit }} as hugeint)
    )
{%- endmacro %}

{#- Integer division rounding down, and its remainder (0 <= r < divisor), for a positive divisor:
    DuckDB's // and % round toward zero. -#}
{% macro floor_divide(dividend, divisor) -%}
    (({{ dividend }}) // ({{ divisor }}) - case when ({{ dividend }}) % ({{ divisor }}) < 0 then 1 else 0 end)
{%- endmacro %}

{% macro floor_modulo(dividend, divisor) -%}
    ((({{ dividend }}) % ({{ divisor }}) + ({{ divisor }})) % ({{ divisor }}))
{%- endmacro %}

{#- Half away from zero, as finance expects (DuckDB, Postgres numeric and Spark decimal agree). -#}
{% macro round_to_cents(amount) -%}
    cast(round({{ amount }}, 2) as decimal(18, 2))
{%- endmacro %}

{#- Product of several active percent-off factors, kept decimal at 24 decimals: four factors of a
    percent_off with 4 decimals (6 each) multiply exactly; cut to 12, 64321.66 x 0.0254 x 0.7844 x
    0.2142 x 0.7403 (exactly 203.21499999...) came out 203.22. A factor has up to 14 decimals
    (percent_off keeps 12), and is multiplied in two parts, its first 8 decimals and the rest, so that
    the product stays within DuckDB's 38 digits. -#}
{% macro product_of_factors(factor) -%}
    {{ return(adapter.dispatch('product_of_factors', 'mrr_warehouse')(factor)) }}
{%- endmacro %}

{#- exp(sum(ln)) only where the engine has no exact fold. A zero factor (100% off) is left out of the
    logarithms, which Postgres computes before the case and refuses for 0. -#}
{% macro default__product_of_factors(factor) -%}
    case
        when min({{ factor }}) = 0 then cast(0 as decimal(38, 12))
        else cast(exp(sum(ln(case when {{ factor }} > 0 then {{ factor }} end))) as decimal(38, 12))
    end
{%- endmacro %}

{#- Postgres: numeric logarithms carry the scale they are given, so 40 decimals keep the product of a
    few factors of 14 decimals exact at the 24 that DuckDB's fold keeps. -#}
{% macro postgres__product_of_factors(factor) -%}
    case
        when min({{ factor }}) = 0 then cast(0 as decimal(38, 24))
        else cast(
            exp(sum(ln(cast(case when {{ factor }} > 0 then {{ factor }} end as decimal(60, 40)))))
            as decimal(38, 24)
        )
    end
{%- endmacro %}

{% macro duckdb__product_of_factors(factor) -%}
    list_reduce(
        list(cast({{ factor }} as decimal(38, 24))),
        lambda a, b: cast(a * cast(b as decimal(18, 8)) as decimal(38, 24))
            + cast(a * cast(b - cast(b as decimal(18, 8)) as decimal(38, 14)) as decimal(38, 24))
    )
{%- endmacro %}

{#- amount x factor (a product_of_factors) at 24 decimals, for amounts of up to 10^14 with 12 decimals:
    DuckDB's decimals hold 38 digits, so the factor is split into its first 12 decimals and the rest
    (under 10^-12), each multiplied on its own. -#}
{% macro times_factor(amount, factor) -%}
    (
        cast({{ amount }} as decimal(38, 12)) * cast({{ factor }} as decimal(38, 12))
        + cast(
            cast({{ amount }} as decimal(38, 12)) * ({{ factor }} - cast({{ factor }} as decimal(38, 12)))
            as decimal(38, 24)
        )
    )
{%- endmacro %}

{#- unit_amount x quantity x factor_numerator, at 12 decimals. A price and a quantity have 12 decimals
    each, and cutting their product's 24 back to 12 takes DuckDB a 128-bit division per row (~25x the
    cost of the product). A quantity that is a whole number under 1,000, as seats nearly always are,
    multiplies as an integer instead, leaving nothing to cut; under 1,000 a double still tells a whole
    number from one with a 12th decimal. -#}
{% macro item_mrr_numerator(unit_amount, quantity, factor_numerator) -%}
    {%- set quantity_as_double = 'cast(' ~ quantity ~ ' as ' ~ (type_ratio() | trim) ~ ')' -%}
    case
        when {{ quantity_as_double }} = floor({{ quantity_as_double }}) and {{ quantity_as_double }} < 1000
            then {{ unit_amount }} * cast({{ quantity_as_double }} as bigint) * {{ factor_numerator }}
        else cast({{ unit_amount }} * {{ quantity }} * {{ factor_numerator }} as {{ type_mrr_numerator() }})
    end
{%- endmacro %}

{#- An MRR numerator is a period's amount times the factor_numerator that, divided by mrr_denominator,
    makes it monthly: it keeps the amounts' 12 decimals, exactly, with room for the multiplication. -#}
{% macro type_mrr_numerator() -%}
    decimal(38, 12)
{%- endmacro %}

{#- Exchange rates keep 15 decimals, what a double holds of a rate near 1 (1 / 0.9237 is written
    1.0826025765941323): rounding a 16th moves a rate by under 5e-16. Not more: DuckDB turns a
    decimal of 16 decimals or more into a double exactly, ~20x slower, and every line-month's
    estimate takes its rate as a double (20 decimals made account MRR ~40% slower). -#}
{% macro type_exchange_rate() -%}
    decimal(38, 15)
{%- endmacro %}

{#- Largest-remainder allocation: split a rounded total (whole cents) over parts whose exact
    shares are known, so the parts' cents add up to the total exactly. Each part gets the floor of
    its exact cents, and the cents still missing go one each to the largest remainders (equal
    remainders: by tie_break_column). Exact shares arrive as doubles, whose last bits depend on the
    order rows were added in: rounded to a millionth of a cent, equal shares stay equal, and so do
    their remainders, rounded again after the floor is taken off (16916.583333 - 16916 and
    42416.583333 - 42416 differ in their last bits), so ties are broken by the rule, not by noise.
    Returns a select over `relation` with a column `allocated` (decimal(18,2)). -#}
{% macro allocate_cents(relation, partition_columns, tie_break_column, exact_column, total_column) -%}
    select
        *,
        cast((floor_cents + case when remainder_rank <= missing_cents then 1 else 0 end) / 100.0
            as decimal(18, 2)) as allocated
    from (
        select
            *,
            round({{ total_column }} * 100) - sum(floor_cents) over (partition by {{ partition_columns | join(', ') }})
                as missing_cents,
            row_number() over (
                partition by {{ partition_columns | join(', ') }}
                order by {{ round_ratio('exact_cents - floor_cents', 6) }} desc, {{ tie_break_column }}
            ) as remainder_rank
        from (
            select
                *,
                {{ round_ratio('cast(' ~ exact_column ~ ' as ' ~ type_ratio() ~ ') * 100', 6) }} as exact_cents,
                floor({{ round_ratio('cast(' ~ exact_column ~ ' as ' ~ type_ratio() ~ ') * 100', 6) }}) as floor_cents
            from {{ relation }}
        ) as with_floors
    ) as with_ranks
{%- endmacro %}

{#- A double estimate of an amount in cents rounds to the right cent when it is far enough from a
    half cent for its rounding error not to matter: doubles carry ~16 significant digits, so below
    10^10 cents the error is under 10^-5 cent; 10^-4 of margin leaves room. (floor, not trunc: Spark's
    trunc() cuts dates only.) -#}
{% macro is_safe_to_round(estimated_cents) -%}
    (
        abs({{ estimated_cents }}) < 10000000000
        and abs({{ estimated_cents }} - floor({{ estimated_cents }}) - 0.5) > 0.0001
    )
{%- endmacro %}

{% macro cents_to_money(whole_cents) -%}
    cast(cast({{ whole_cents }} as bigint) * cast(0.01 as decimal(3, 2)) as decimal(18, 2))
{%- endmacro %}

{#- What makes a pricing group-month (a subscription, or a CRM contract, in a month): the lines that
    share these are discounted together (int_subscription_mrr_discounted) and counted as one
    subscription or contract (int_account_mrr_monthly). -#}
{% macro pricing_group_columns() -%}
    {{ return([
        'month', 'account_key', 'pricing_group_id', 'line_source', 'customer_key', 'currency',
        'factor_numerator', 'mrr_denominator',
    ]) }}
{%- endmacro %}

-- One row per account, product and month in which the product has MRR or had it the month before
-- (or carries fx while the account stays active), with the product's movement. While the account
-- is new, reactivated or churned, its products share that movement. While the account is active in
-- both months, the account's fx movement is split over its products (largest remainder) and the
-- rest of each product's change is:
--   cross_sell (product without MRR last month), product_churn (product dropped, account stays),
--   upsell (more of a product it had), downgrade (less of it).
-- Per account and month: upsell + cross_sell - downgrade - product_churn = expansion - contraction
-- of the account (which only ever shows the net), and the product fx adds up to the account fx.
-- In a month only rates moved (no expansion or contraction, the same products), each product's
-- change is all fx, so products show no upsell or downgrade either.
-- An account that only ever had one product (~70% of account-months) has no product pairs: its
-- product's months are the account's months, with the account's fx (a lone product takes all of it),
-- so they are classified from int_account_mrr_changes.
-- Keyed by account_key like the month models it reads; fct_mrr_product_movements, which keeps
-- only the non-zero movements, looks the account id up.

-- A view, like int_account_product_mrr_monthly: fct_mrr_product_movements computes it for the
-- months it recomputes, and writing its 17M rows was most of its cost.

{{ config(materialized='view') }}

with product_pairs as (
    select * from {{ ref('int_account_product_mrr_pairs') }}
    where opening_mrr > 0 or closing_mrr > 0
),

-- The same product months again, for the accounts whose fx movement is split over products
-- (active both months, fx not zero: ~1 in 3). Only those pay for the split's window functions;
-- a second scan of the table is cheaper than ranking every product month. A product whose MRR
-- rounds to 0.00 both months still carries its share of the account's fx (a product new this month
-- whose currency collapsed: worth 219.64 at last month's rate, 0.0003 at this one): without it the
-- split could not add up to the account's fx.
product_pairs_to_split_fx as (
    select * from {{ ref('int_account_product_mrr_pairs') }}
    where opening_mrr > 0 or closing_mrr > 0 or fx_effect_exact != 0
),

-- Read apart from the two reads below (DuckDB holds a CTE read more than once in memory); the
-- join with accounts_with_one_product keeps the single-product accounts.
account_changes_of_single_product_accounts as (
    select * from {{ ref('int_account_mrr_changes') }}
),

accounts_with_one_product as (
    select * from {{ ref('int_accounts_sole_product_and_plan') }}
    where sole_product_id is not null
),

accounts_with_several_products as (
    select * from {{ ref('int_accounts_sole_product_and_plan') }}
    where sole_product_id is null
),

-- The two reads of account changes below meet product pairs, which only accounts with several
-- products have: keeping their rows first halves what the joins probe (~0.4 s at 1M accounts).
account_changes_without_fx_split as (
    select * from {{ ref('int_account_mrr_changes') }}
    -- The complement of the filter below, null-safe, so every account change is in exactly one.
    where not coalesce(opening_mrr > 0 and closing_mrr > 0 and fx_mrr != 0, false)
        and account_key in (select accounts_with_several_products.account_key from accounts_with_several_products)
),

account_changes_with_fx_split as (
    select * from {{ ref('int_account_mrr_changes') }}
    where opening_mrr > 0 and closing_mrr > 0 and fx_mrr != 0
        and account_key in (select accounts_with_several_products.account_key from accounts_with_several_products)
),

without_fx_split as (
    select
        product_pairs.month,
        product_pairs.account_key,
        product_pairs.product_id,
        product_pairs.opening_mrr,
        product_pairs.closing_mrr,
        account_changes_without_fx_split.opening_mrr as account_opening_mrr,
        account_changes_without_fx_split.closing_mrr as account_closing_mrr,
        account_changes_without_fx_split.first_active_month,
        cast(0 as decimal(18, 2)) as fx_mrr
    from product_pairs
    inner join account_changes_without_fx_split
        on product_pairs.account_key = account_changes_without_fx_split.account_key
        and product_pairs.month = account_changes_without_fx_split.month
),

to_split_fx as (
    select
        product_pairs_to_split_fx.*,
        account_changes_with_fx_split.opening_mrr as account_opening_mrr,
        account_changes_with_fx_split.closing_mrr as account_closing_mrr,
        account_changes_with_fx_split.fx_mrr as account_fx_mrr,
        account_changes_with_fx_split.expansion_mrr = 0 and account_changes_with_fx_split.contraction_mrr = 0
            as account_business_unchanged,
        account_changes_with_fx_split.first_active_month
    from product_pairs_to_split_fx
    inner join account_changes_with_fx_split
        on product_pairs_to_split_fx.account_key = account_changes_with_fx_split.account_key
        and product_pairs_to_split_fx.month = account_changes_with_fx_split.month
),

fx_allocated as (
    {{ allocate_cents('to_split_fx', ['account_key', 'month'], 'product_id', 'fx_effect_exact', 'account_fx_mrr') }}
),

with_fx_split as (
    select
        month,
        account_key,
        product_id,
        opening_mrr,
        closing_mrr,
        account_opening_mrr,
        account_closing_mrr,
        first_active_month,
        -- A month in which only rates moved the account, on products it had both months: each
        -- product's change is its fx. The split by fx weight could move a cent between products
        -- whose rounded MRR moved the other way, and show a +0.01 upsell and a -0.01 downgrade
        -- that nobody made. Their changes add up to the account's fx all the same.
        case
            when account_business_unchanged
                and bool_and(opening_mrr > 0 and closing_mrr > 0) over (partition by account_key, month)
                then closing_mrr - opening_mrr
            else allocated
        end as fx_mrr
    from fx_allocated
),

single_products as (
    select
        account_changes_of_single_product_accounts.month,
        account_changes_of_single_product_accounts.account_key,
        accounts_with_one_product.sole_product_id as product_id,
        account_changes_of_single_product_accounts.opening_mrr,
        account_changes_of_single_product_accounts.closing_mrr,
        account_changes_of_single_product_accounts.opening_mrr as account_opening_mrr,
        account_changes_of_single_product_accounts.closing_mrr as account_closing_mrr,
        account_changes_of_single_product_accounts.first_active_month,
        account_changes_of_single_product_accounts.fx_mrr
    from account_changes_of_single_product_accounts
    inner join accounts_with_one_product
        on account_changes_of_single_product_accounts.account_key = accounts_with_one_product.account_key
),

product_changes as (
    select * from without_fx_split
    union all
    select * from with_fx_split
    union all
    select * from single_products
),

classified as (
    select
        *,
        account_opening_mrr > 0 and account_closing_mrr > 0 as account_stays_active
    from product_changes
),

product_movements as (
    select
        month,
        account_key,
        product_id,
        opening_mrr,
        closing_mrr,
        case
            when account_opening_mrr = 0 and month = first_active_month then closing_mrr else 0
        end as new_mrr,
        case
            when account_opening_mrr = 0 and month > first_active_month then closing_mrr else 0
        end as reactivation_mrr,
        case when account_closing_mrr = 0 then opening_mrr else 0 end as churn_mrr,
        case
            when account_stays_active and opening_mrr = 0 then closing_mrr - opening_mrr - fx_mrr else 0
        end as cross_sell_mrr,
        case
            when account_stays_active and opening_mrr > 0 and closing_mrr = 0
                then opening_mrr - closing_mrr + fx_mrr
            else 0
        end as product_churn_mrr,
        case
            when account_stays_active and opening_mrr > 0 and closing_mrr > 0
                and closing_mrr - opening_mrr - fx_mrr > 0
                then closing_mrr - opening_mrr - fx_mrr
            else 0
        end as upsell_mrr,
        case
            when account_stays_active and opening_mrr > 0 and closing_mrr > 0
                and closing_mrr - opening_mrr - fx_mrr < 0
                then opening_mrr - closing_mrr + fx_mrr
            else 0
        end as downgrade_mrr,
        fx_mrr
    from classified
),

-- Amounts in cents, as the account's: a case or a difference has no fixed scale on Postgres.
final as (
    select
        month,
        account_key,
        product_id,
        cast(opening_mrr as decimal(18, 2)) as opening_mrr,
        cast(closing_mrr as decimal(18, 2)) as closing_mrr,
        cast(new_mrr as decimal(18, 2)) as new_mrr,
        cast(reactivation_mrr as decimal(18, 2)) as reactivation_mrr,
        cast(churn_mrr as decimal(18, 2)) as churn_mrr,
        cast(cross_sell_mrr as decimal(18, 2)) as cross_sell_mrr,
        cast(product_churn_mrr as decimal(18, 2)) as product_churn_mrr,
        cast(upsell_mrr as decimal(18, 2)) as upsell_mrr,
        cast(downgrade_mrr as decimal(18, 2)) as downgrade_mrr,
        cast(fx_mrr as decimal(18, 2)) as fx_mrr
    from product_movements
)

select * from final

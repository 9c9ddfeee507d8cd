-- One row per valid CRM account with the top of its parent chain. A parent that is not a valid
-- account ends the climb (that account is the top); chains deeper than 20 levels, which only a
-- loop produces, stop there. Accounts not listed here (billing-only) are their own top.
-- is_in_family: the account has a parent or children (its top parent has other members).

with recursive accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

valid_accounts as (
    select
        account_id,
        parent_account_id
    from accounts
    where rejection_reason is null
),

climb as (
    select
        account_id,
        account_id as top_parent_account_id,
        parent_account_id as next_parent_account_id,
        0 as chain_depth
    from valid_accounts
    union all
    select
        climb.account_id,
        valid_accounts.account_id as top_parent_account_id,
        valid_accounts.parent_account_id as next_parent_account_id,
        climb.chain_depth + 1 as chain_depth
    from climb
    inner join valid_accounts
        on climb.next_parent_account_id = valid_accounts.account_id
    where climb.chain_depth < 20
),

ranked as (
    select
        account_id,
        top_parent_account_id,
        row_number() over (partition by account_id order by chain_depth desc) as depth_rank
    from climb
),

tops as (
    select
        account_id,
        top_parent_account_id
    from ranked
    where depth_rank = 1
),

final as (
    select
        account_id,
        top_parent_account_id,
        count(*) over (partition by top_parent_account_id) > 1 as is_in_family
    from tops
)

select * from final

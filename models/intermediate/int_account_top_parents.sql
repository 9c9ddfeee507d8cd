-- One row per valid CRM account with the top of its parent chain. A parent that is not a valid
-- account ends the climb (that account is the top). A loop of parents (A's parent B, B's parent A)
-- is one family whose top is the loop's smallest account_id, and accounts below a loop join it:
-- every member has the others as ancestors, so no order among them is better than another.
-- The climb stops after 20 levels; a loop of up to 20 accounts is recognised, and a chain deeper
-- than 20 levels without one is cut there.
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
        account_id as ancestor_account_id,
        parent_account_id as next_parent_account_id,
        0 as chain_depth
    from valid_accounts
    union all
    select
        climb.account_id,
        valid_accounts.account_id as ancestor_account_id,
        valid_accounts.parent_account_id as next_parent_account_id,
        climb.chain_depth + 1 as chain_depth
    from climb
    inner join valid_accounts
        on climb.next_parent_account_id = valid_accounts.account_id
    where climb.chain_depth < 20
),

accounts_in_loops as (
    select distinct account_id
    from climb
    where chain_depth > 0
        and ancestor_account_id = account_id
),

ancestors as (
    select
        climb.account_id,
        climb.ancestor_account_id,
        accounts_in_loops.account_id is not null as is_ancestor_in_loop,
        row_number() over (partition by climb.account_id order by climb.chain_depth desc) as depth_rank
    from climb
    left join accounts_in_loops
        on climb.ancestor_account_id = accounts_in_loops.account_id
),

tops as (
    select
        account_id,
        coalesce(
            min(case when is_ancestor_in_loop then ancestor_account_id end),
            min(case when depth_rank = 1 then ancestor_account_id end)
        ) as top_parent_account_id
    from ancestors
    group by account_id
),

final as (
    select
        account_id,
        top_parent_account_id,
        count(*) over (partition by top_parent_account_id) > 1 as is_in_family
    from tops
)

select * from final

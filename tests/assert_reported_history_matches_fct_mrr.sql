-- Every completed account-month of fct_mrr has one current reported version, with its MRR, and
-- an account-month without MRR has none. Checked on the months this build wrote.
-- Current versions and fct_mrr's completed account-months are listed together; macros/reconciliation.sql
-- finds the account-months whose reported_mrr - fct_mrr or reported_rows - fct_rows is not zero.
{%- set signed_rows %}
    select
        month,
        account_id,
        mrr as reported_mrr,
        0 as fct_mrr,
        1 as reported_rows,
        0 as fct_rows
    from {{ ref('mrr_as_reported') }}
    where superseded_as_of is null
        and {{ in_months_this_build_wrote('month') }}
    union all
    select
        month,
        account_id,
        0 as reported_mrr,
        mrr as fct_mrr,
        0 as reported_rows,
        1 as fct_rows
    from {{ ref('fct_mrr') }}
    where cast({{ dbt.last_day('month', 'month') }} as date) <= {{ as_of_date() }}
        and {{ in_months_this_build_wrote('month') }}
{%- endset %}

{{ account_months_not_adding_up(
    signed_rows,
    columns=['reported_mrr', 'fct_mrr', 'reported_rows', 'fct_rows'],
    differences=['reported_mrr - fct_mrr', 'reported_rows - fct_rows'],
) }}

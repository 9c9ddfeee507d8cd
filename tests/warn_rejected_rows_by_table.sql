-- Rule 9: bad rows never break the build, but nobody should miss them. One row per source
-- table with rejected rows. (`mrr build --strict`, which publishes nothing when any row was rejected,
-- reads the counts in source_row_accounting.)
{{ config(severity='warn', tags=['rejected_rows']) }}

select
    source_table,
    count(*) as rejected_row_count
from {{ ref('rejected_rows') }}
group by source_table

{#- Tables and views on DuckDB are replaced in place: the old relation is dropped and the new one created
    in one transaction. dbt's own materializations create the new relation under a temporary name, rename
    the old one to a backup, rename the new one into place and drop the backup, so that a reader never
    finds the relation missing. No one reads a DuckDB file while it is being built: `mrr build` builds a
    private copy of the warehouse and publishes it whole (scripts/mrr_warehouse/build.py), and a plain
    `dbt build` holds the file's only write lock. Each statement saved is ~5-10 ms of dbt's Python, which
    runs one dbt thread at a time: 10k and 100k builds took ~0.7 s less (see the README's Performance). -#}

{% materialization table, adapter='duckdb' %}
    {%- set target_relation = this.incorporate(type='table') -%}
    {% call replace_in_place(target_relation) -%}
        {{ create_table_as(False, target_relation, compiled_code) }}
    {%- endcall %}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{% materialization view, adapter='duckdb' %}
    {%- set target_relation = this.incorporate(type='view') -%}
    {% call replace_in_place(target_relation) -%}
        {{ get_create_view_as_sql(target_relation, compiled_code) }}
    {%- endcall %}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- The caller's block renders the statement that creates target_relation. -#}
{% macro replace_in_place(target_relation) %}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {{ drop_relation_if_exists(load_cached_relation(this)) }}
    {%- set create_sql = caller() %}
    {% call statement('main') -%}
        {{ create_sql }}
    {%- endcall %}
    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
{% endmacro %}

{{ mrr_bridge_by_period('quarter') }}

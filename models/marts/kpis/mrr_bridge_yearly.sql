{{ mrr_bridge_by_period('year') }}

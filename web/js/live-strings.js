// Text of the live launch screen only, kept apart so buyer pages do not load it.
export const LIVE_STRINGS = {
  live_title: { zh: '实时订单', en: 'Live orders' },
  live_conn_connecting: { zh: '连接中', en: 'Connecting' },
  live_conn_live: { zh: '● 实时', en: '● Live' },
  live_conn_reconnecting: { zh: '重新连接中…', en: 'Reconnecting…' },
  live_conn_polling: { zh: '每秒刷新', en: 'Updating every second' },
  live_conn_stale: { zh: '数据停留在 {at}，正在重新连接', en: 'Figures from {at}, reconnecting' },
  live_elapsed: { zh: '开放订购 {e}', en: '{e} since opening' },
  live_opens_in: { zh: '距开放订购 {e}', en: 'Opens in {e}' },
  live_firm: { zh: '已支付定金订单', en: 'Firm orders (deposit paid)' },
  live_hero_sub: {
    zh: '其中已锁定 {locked} · 已取消 {cancelled}（不计入）',
    en: '{locked} already locked · {cancelled} cancelled (not counted)',
  },
  live_rate: { zh: '每秒订单', en: 'Orders per second' },
  live_peak: { zh: '峰值 {n} 单/秒（开放 {e} 时）', en: 'Peak {n}/s (at {e})' },
  live_peak_none: { zh: '尚无订单', en: 'No orders yet' },
  live_held: { zh: '持有定金', en: 'Deposits held' },
  live_received: {
    zh: 'launchday 口径：累计实收 {v}（含退款、没收与转入）',
    en: 'launchday basis: {v} received in all (refunded, forfeited, switched in)',
  },
  live_deposits_reported_other: {
    zh: '公开口径：{n} 单 × {d} = {v}',
    en: 'Reported basis: {n} orders × {d} = {v}',
  },
  live_deposits_reported_one: {
    zh: '公开口径：{n} 单 × {d} = {v}',
    en: 'Reported basis: {n} order × {d} = {v}',
  },
  live_revenue: {
    zh: '潜在销售额（launchday 口径：每单实际标价）',
    en: 'Potential revenue (launchday basis: each order’s own list price)',
  },
  live_revenue_reported_other: {
    zh: '公开口径：{n} 单 × 标准版 {p} = {v}',
    en: 'Reported basis: {n} orders × Standard {p} = {v}',
  },
  live_revenue_reported_one: {
    zh: '公开口径：{n} 单 × 标准版 {p} = {v}',
    en: 'Reported basis: {n} order × Standard {p} = {v}',
  },
  live_compare_title: { zh: '同一时刻对比', en: 'At the same moment' },
  live_compare_other: {
    zh: '{name} 开放 {e} 时约 {n} 单（本次 {own} 单）。',
    en: '{name} had about {n} firm orders at {e} (this launch: {own}).',
  },
  live_compare_one: {
    zh: '{name} 开放 {e} 时约 {n} 单（本次 {own} 单）。',
    en: '{name} had about {n} firm orders at {e} (this launch: {own} firm order).',
  },
  live_compare_wait: {
    zh: '{name}：开放后开始对比。',
    en: '{name}: comparison starts at the opening.',
  },
  live_compare_past: {
    zh: '{name}：已超出公开数据的时间范围。',
    en: '{name}: beyond the published figures.',
  },
  live_chart_title: {
    zh: '开放以来接到的订单（含之后取消的）',
    en: 'Orders taken since opening (later cancellations included)',
  },
  live_chart_label_other: {
    zh: '订单曲线：开放 {e} 时共接到 {n} 单',
    en: 'Orders chart: {n} orders taken by {e}',
  },
  live_chart_label_one: {
    zh: '订单曲线：开放 {e} 时共接到 {n} 单',
    en: 'Orders chart: {n} order taken by {e}',
  },
  live_ref: {
    zh: '{name}（公开数据，点间线性）',
    en: '{name} (published figures, linear between them)',
  },
  live_log: { zh: '对数刻度', en: 'Log scale' },
  live_trim_mix: { zh: '版本构成', en: 'Trim mix' },
  live_top_cities: { zh: '城市排行', en: 'Top cities' },
  live_note: {
    zh: '每秒更新，所有屏幕显示服务器计算的同一组数据。对比曲线来自公开报道的数据点。',
    en: 'Updates every second; every screen shows the same figures, computed by the server. '
      + 'Comparison curves join the publicly reported figures.',
  },
};

// Text of the operator console's Production tab (admin-production*.js), both languages.
export const PRODUCTION_STRINGS = {
  pr_refresh: { zh: '刷新', en: 'Refresh' },
  // The truth share.
  pr_truth_title: { zh: '预计交付的兑现率', en: 'Estimates kept' },
  pr_truth: {
    zh: '{share}：锁单时看到交付窗口的 {shown}中，{inside} 个的车在该窗口内到达（共 {allocated}已分车）。',
    en:
      '{share}: of the {shown} shown a window at their lock, {inside} got ' +
      'their car inside it ({allocated} allocated in all).',
  },
  n_allocated_orders_one: { zh: '{n} 个已分车订单', en: '{n} allocated order' },
  n_allocated_orders_other: { zh: '{n} 个已分车订单', en: '{n} allocated orders' },
  pr_truth_none: {
    zh: '尚无可比较的订单：还没有锁单时看到计划窗口、且已分配车辆的订单（共 {allocated}已分车）。',
    en:
      'Nothing to compare yet: no allocated order was shown a plan\'s window at its lock ' +
      '({allocated} allocated in all).',
  },
  // Plans.
  pr_plan_title: { zh: '生产计划', en: 'Production plan' },
  pr_launch: { zh: '发布', en: 'Launch' },
  pr_trim: { zh: '版本', en: 'Trim' },
  pr_no_plan: {
    zh: '此版本还没有生产计划：订单按发布设置中的周产能估算。保存第一个版本即开始按计划估算。',
    en:
      'This trim has no plan yet: its orders are estimated from the launch\'s weekly capacity. ' +
      'Saving a first version estimates them from the plan.',
  },
  pr_in_force: {
    zh: '现行版本 {version}：{who} 于 {at} 修改，原因：{reason}',
    en: 'In force: version {version}, by {who} at {at}, because: {reason}',
  },
  pr_rates: { zh: '每周产量（自某日起）', en: 'Weekly rates (from a date)' },
  pr_rates_hint: {
    zh: '日期为北京时间，产量自该日所在的周（周一至周日）起计，直到下一条。最后一条必须大于 0。',
    en:
      'Beijing dates; a rate counts from the week (Monday to Sunday) holding its date until ' +
      'the next one. The last must be above 0.',
  },
  pr_rate_from: { zh: '第 {n} 条：起始日期', en: 'Rate {n}: from' },
  pr_rate_units: { zh: '第 {n} 条：台/周', en: 'Rate {n}: cars a week' },
  pr_rate_remove: { zh: '删除第 {n} 条', en: 'Remove rate {n}' },
  pr_rate_add: { zh: '添加一条', en: 'Add a rate' },
  pr_reason: {
    zh: '修改原因（必填，记入版本和审计日志）',
    en: 'Why (required; kept with the version and in the audit log)',
  },
  pr_reason_missing: { zh: '请填写原因。', en: 'Say why: the reason is required.' },
  pr_bad_date: {
    zh: '日期格式应为 年-月-日，例如 2026-01-12。',
    en: 'Enter a date as year-month-day, such as 2026-01-12.',
  },
  pr_bad_order: { zh: '日期须晚于上一条。', en: 'The date must come after the rate before it.' },
  pr_bad_units: { zh: '请输入 0 到 1,000,000 的整数。', en: 'Enter a whole number from 0 to 1,000,000.' },
  pr_last_zero: {
    zh: '最后一条必须大于 0：计划停产会让已锁单订单没有日期。',
    en: 'The last rate must be above 0: a plan that stops leaves locked orders without a date.',
  },
  pr_save_plan: { zh: '保存为新版本', en: 'Save as a new version' },
  pr_plan_saved: {
    zh: '计划版本 {version} 已保存；重新排期：{earlier} 个提前、{later} 个推迟。',
    en: 'Plan version {version} saved; re-plan: {earlier} earlier, {later} later.',
  },
  pr_versions: { zh: '全部版本', en: 'Every version' },
  pr_version: { zh: '版本', en: 'Version' },
  pr_changed_at: { zh: '时间', en: 'When' },
  pr_who: { zh: '操作人', en: 'Who' },
  pr_why: { zh: '原因', en: 'Why' },
  pr_rates_col: { zh: '每周产量', en: 'Rates' },
  pr_rate_line: { zh: '自 {from} 起 {units} 台/周', en: '{units} a week from {from}' },
  pr_edit_from: { zh: '以此版本为起点编辑', en: 'Edit from this version' },
  // The chart.
  pr_chart_title: {
    zh: '{trim}：每周产能与已锁单需求',
    en: '{trim}: weekly capacity against locked demand',
  },
  pr_chart_capacity: { zh: '计划产能（台/周）', en: 'Planned capacity (cars a week)' },
  pr_chart_locked: { zh: '当周生产的已锁单订单', en: 'Locked orders built that week' },
  pr_chart_now: { zh: '本周', en: 'This week' },
  pr_chart_summary_one: {
    zh: '{n} 个已锁单订单；在 {last} 开始的一周生产。',
    en: '{n} locked order, built in the week of {last}.',
  },
  pr_chart_summary_other: {
    zh: '{n} 个已锁单订单；最后一个在 {last} 开始的一周生产。',
    en: '{n} locked orders; the last is built in the week of {last}.',
  },
  pr_chart_summary_none: { zh: '还没有已锁单订单。', en: 'No locked orders yet.' },
  pr_chart_beyond_one: {
    zh: '另有 {n} 个已锁单订单在图中最后一周之后生产。',
    en: '{n} more locked order is built after the last week shown.',
  },
  pr_chart_beyond_other: {
    zh: '另有 {n} 个已锁单订单在图中最后一周之后生产。',
    en: '{n} more locked orders are built after the last week shown.',
  },
  pr_chart_week: {
    zh: '{from} 当周：产能 {capacity}，已锁单 {locked}',
    en: 'Week of {from}: capacity {capacity}, locked {locked}',
  },
  // Delivery centres.
  pr_centres_title: { zh: '交付中心', en: 'Delivery centres' },
  pr_city: { zh: '城市', en: 'City' },
  pr_handovers: { zh: '每周交付能力（台）', en: 'Handovers a week' },
  pr_opens_on: { zh: '开业日期（北京时间）', en: 'Opens on (Beijing date)' },
  pr_served_by: { zh: '开业前由此中心交付', en: 'Served until then by' },
  pr_served_none: { zh: '无（买家等待开业）', en: 'None (buyers wait for the opening)' },
  pr_state: { zh: '状态', en: 'State' },
  pr_open: { zh: '已开业', en: 'Open' },
  pr_opens: { zh: '{date} 开业', en: 'Opens {date}' },
  pr_serves: { zh: '交付的城市', en: 'Cities served' },
  pr_last_change: { zh: '最近修改', en: 'Last change' },
  pr_change_line: {
    zh: '版本 {version} · {who} · {at} · {reason}',
    en: 'version {version} · {who} · {at} · {reason}',
  },
  pr_edit: { zh: '编辑', en: 'Edit' },
  pr_centre_form: { zh: '新增或修改交付中心', en: 'Add or change a centre' },
  pr_save_centre: { zh: '保存交付中心', en: 'Save centre' },
  pr_centre_saved: {
    zh: '{city} 交付中心版本 {version} 已保存；重新排期：{earlier} 个提前、{later} 个推迟。',
    en: '{city} centre version {version} saved; re-plan: {earlier} earlier, {later} later.',
  },
  pr_no_centres: { zh: '还没有交付中心。', en: 'No delivery centres yet.' },
  pr_without_centre: {
    zh: '尚无交付中心的交付城市（其订单不受交付能力限制）：{cities}',
    en: 'Delivery cities without a centre on record (not held up by handovers): {cities}',
  },
  pr_list_sep: { zh: '、', en: ', ' },
  pr_city_missing: { zh: '请选择城市。', en: 'Choose a city.' },
  pr_bad_handovers: {
    zh: '请输入 1 到 1,000,000 的整数。',
    en: 'Enter a whole number from 1 to 1,000,000.',
  },
  // Production runs and ready stock.
  pr_runs_title: { zh: '生产批次', en: 'Production runs' },
  pr_record_run: { zh: '登记一批下线车辆', en: 'Record a run of built cars' },
  pr_built_on: { zh: '下线日期（北京时间）', en: 'Built on (Beijing date)' },
  pr_cars: { zh: '车辆（每行一台：VIN,版本,选装1,选装2…）', en: 'Cars (one a line: VIN,trim,option,option…)' },
  pr_cars_hint: {
    zh: '可直接粘贴 CSV；以 “vin” 开头的表头行会被跳过。选装可省略（使用默认颜色和轮毂）。',
    en:
      'Paste CSV as it is; a header line starting with “vin” is skipped. Options may be left ' +
      'out (the default colour and wheels).',
  },
  pr_cars_count: { zh: '{n} 台车', en: '{n} car(s)' },
  pr_cars_empty: { zh: '请至少填写一台车。', en: 'Enter at least one car.' },
  pr_cars_bad_line: {
    zh: '第 {line} 行：{problem}',
    en: 'Line {line}: {problem}',
  },
  pr_vin_bad: {
    zh: 'VIN 应为 17 位字母数字（不含 I、O、Q）',
    en: 'a VIN is 17 letters and digits without I, O, Q',
  },
  pr_trim_missing: { zh: '缺少版本', en: 'the trim is missing' },
  pr_vin_repeated: { zh: '与上面的 VIN 重复', en: 'the VIN is repeated above' },
  // {cars} of pr_too_many and pr_runs_more: a counted noun (format.js counted), "1 car".
  pr_too_many: { zh: '一批最多 {cars}', en: 'at most {cars} a run' },
  n_cars_one: { zh: '{n} 台车', en: '{n} car' },
  n_cars_other: { zh: '{n} 台车', en: '{n} cars' },
  pr_one_car: { zh: '逐台添加', en: 'Add one car' },
  pr_car_vin: { zh: 'VIN', en: 'VIN' },
  pr_car_options: { zh: '选装（逗号分隔，可空）', en: 'Options (comma-separated, may be empty)' },
  pr_add_car: { zh: '加入列表', en: 'Add to the list' },
  pr_save_run: { zh: '登记并分配', en: 'Record and allocate' },
  pr_run_saved: {
    zh: '已登记 {recorded} 台（{again} 台此前已登记）：{allocated} 台分配给订单，{pooled} 台进入现车库存。',
    en:
      'Recorded {recorded} car(s) ({again} recorded before): {allocated} allocated to orders, ' +
      '{pooled} to ready stock.',
  },
  pr_run_head: {
    zh: '{built} 下线 · {launch} · {who} 于 {at} 登记 · {n} 台：{allocated} 台已分配，{pooled} 台现车',
    en:
      'Built {built} · {launch} · recorded by {who} at {at} · {n} car(s): {allocated} allocated, ' +
      '{pooled} to stock',
  },
  pr_runs_none: { zh: '还没有登记生产批次。', en: 'No runs recorded yet.' },
  pr_runs_more: {
    zh: '仅显示最近 {cars}；更早的批次未列出。',
    en: 'Showing only the latest {cars}; older runs are left out.',
  },
  pr_configuration: { zh: '配置', en: 'Configuration' },
  pr_went_to: { zh: '去向', en: 'Went to' },
  pr_to_stock: { zh: '现车库存', en: 'Ready stock' },
  pr_unplaced: { zh: '待分配', en: 'Not yet placed' },
  pr_stock_title: { zh: '现车库存', en: 'Ready stock' },
  pr_stock_hint: {
    zh: '没有已锁单订单需要其配置的车辆，先下线先列出（在尾款环节销售）。',
    en:
      'Cars whose configuration no locked order wanted, first built first (sold with the ' +
      'balance).',
  },
  pr_stock_none: { zh: '现车库存为空。', en: 'No cars in ready stock.' },
  // Re-plans.
  pr_replans_title: { zh: '重新排期', en: 'Re-plans' },
  pr_replan_now: { zh: '立即重新排期', en: 'Re-plan now' },
  pr_replan_hint: {
    zh: '重新计算每个已锁单订单的预计交付；上次排期后锁单的订单获得第一次存储的估算（不算变动）。',
    en:
      'Recomputes every locked order\'s estimate; orders locked since the last re-plan get ' +
      'their first stored estimate (not a move).',
  },
  pr_replanned: {
    zh: '重新排期完成：{orders}，{earlier} 个提前、{later} 个推迟，用时 {ms} 毫秒。',
    en: 'Re-planned {orders}: {earlier} earlier, {later} later, in {ms} ms.',
  },
  pr_cause: { zh: '起因', en: 'Cause' },
  pr_cause_plan: { zh: '计划变更', en: 'plan change' },
  pr_cause_centre: { zh: '交付中心变更', en: 'centre change' },
  pr_cause_manual: { zh: '手动', en: 'manual' },
  pr_estimated: { zh: '估算订单', en: 'Orders estimated' },
  pr_earlier: { zh: '提前', en: 'Earlier' },
  pr_later: { zh: '推迟', en: 'Later' },
  pr_show_moves: { zh: '查看变动（{n}）', en: 'Moved estimates ({n})' },
  pr_moves_title: { zh: '{at} 的重新排期中变动的预计交付', en: 'Estimates moved by the re-plan of {at}' },
  pr_old_window: { zh: '原窗口', en: 'Was' },
  pr_new_window: { zh: '新窗口', en: 'Now' },
  pr_moved: { zh: '变动', en: 'Moved' },
  pr_moved_earlier: { zh: '提前 {n} 周', en: '{n} week(s) earlier' },
  pr_moved_later: { zh: '推迟 {n} 周', en: '{n} week(s) later' },
  pr_moves_more: { zh: '仅显示前 {n} 个。', en: 'The first {n} are shown.' },
  pr_replans_none: { zh: '还没有重新排期。', en: 'No re-plans yet.' },
  pr_window: { zh: '{from} 至 {to}', en: '{from} to {to}' },
};

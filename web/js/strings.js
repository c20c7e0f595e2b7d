// Every piece of text the buyer pages show, in zh-CN and English. {name} marks a value filled in.
export const STRINGS = {
  wr_enter_room: { zh: '进入排队室', en: 'Enter the waiting room' },
  // The waiting room in front of a sale, told before it (room-note.js): {t} the pre-queue's
  // start, {o} the opening.
  room_note_before_shuffle: {
    zh: '本次发售设有排队室：{t} 起可进入排队；开售时（{o}）排队中的所有人将被随机排序，提前到达不占优势。',
    en: 'This sale has a waiting room: join its line from {t}; at the opening ({o}) everyone in '
      + 'it is put in random order, so arriving early gains nothing.',
  },
  room_note_before_fifo: {
    zh: '本次发售设有排队室：{t} 起可进入排队；开售（{o}）后按到达顺序依次放行。',
    en: 'This sale has a waiting room: join its line from {t}; from the opening ({o}) people '
      + 'are let in in order of arrival.',
  },
  room_note_prequeue_shuffle: {
    zh: '本次发售设有排队室，现在即可进入排队；开售时（{o}）排队中的所有人将被随机排序，提前到达不占优势。',
    en: 'This sale has a waiting room and its line is open now; at the opening ({o}) everyone '
      + 'in it is put in random order, so arriving early gains nothing.',
  },
  room_note_prequeue_fifo: {
    zh: '本次发售设有排队室，现在即可进入排队；开售（{o}）后按到达顺序依次放行。',
    en: 'This sale has a waiting room and its line is open now; from the opening ({o}) people '
      + 'are let in in order of arrival.',
  },
  // With the buyer's pass kept (room-note.js): their turn has come, {t} its end.
  room_note_pass_drop: {
    zh: '排队已轮到您：购买凭证有效至 {t}，请在此页购买。',
    en: 'Your turn in the waiting room has come: your pass to buy is valid until {t}. Buy here.',
  },
  room_note_pass_launch: {
    zh: '排队已轮到您：下单凭证有效至 {t}，请在此页下单。',
    en: 'Your turn in the waiting room has come: your pass to order is valid until {t}. Order '
      + 'here.',
  },
  // A pass kept by a buyer who is not signed in: the turn is theirs once they sign in.
  room_note_pass_signin_drop: {
    zh: '排队已轮到您：购买凭证有效至 {t}。请登录后在此页购买。',
    en: 'Your turn in the waiting room has come: your pass to buy is valid until {t}. Sign in '
      + 'to buy here.',
  },
  room_note_pass_signin_launch: {
    zh: '排队已轮到您：下单凭证有效至 {t}。请登录后在此页下单。',
    en: 'Your turn in the waiting room has come: your pass to order is valid until {t}. Sign '
      + 'in to order here.',
  },
  // At the per-account limit ({a}): the server refuses another place, so no line is offered.
  room_note_limit_drop: {
    zh: '您已达到本次发售每个账户的限购数量（{a}），无法再次排队购买。',
    en: 'You have bought or hold as many as this sale allows per account ({a}): there is no '
      + 'further turn in its waiting room for you.',
  },
  // A waitlist offer holds the last unit of the allowance: said as held, not as "at the limit".
  room_note_held_drop: {
    zh: '已为您保留一件，它占用了您在本次发售的限购名额：请在下方付款或放弃。',
    en: 'A unit is held for you, and it takes the last of your allowance in this sale: pay for it '
      + 'or decline it below.',
  },
  room_note_held_drop_car: {
    zh: '已为您保留一辆，它占用了您在本次发售的限购名额：请在下方支付定金或放弃。',
    en: 'A car is held for you, and it takes the last of your allowance in this sale: pay its '
      + 'deposit or decline it below.',
  },
  room_note_limit_launch: {
    zh: '您已达到本次发布每人可下单的数量上限（{a} 单），无法再次排队下单。',
    en: 'You hold as many orders as this launch allows per person ({a}): there is no further '
      + 'turn in its waiting room for you.',
  },
  // After buying, no pass kept: the turn went with the purchase.
  room_note_bought_drop: {
    zh: '您已在本次发售中购买，这次排队机会已用完。再次购买需要重新排队。',
    en: 'You have bought in this sale: your turn in the waiting room went with it. Another '
      + 'purchase needs another turn in its line.',
  },
  room_note_bought_launch: {
    zh: '您已在本次发布中下单，这次排队机会已用完。再下一单需要重新排队。',
    en: 'You have ordered in this launch: your turn in the waiting room went with it. Another '
      + 'order needs another turn in its line.',
  },
  room_note_open: {
    zh: '本次发售设有排队室：请先进入排队，轮到您时即可购买。',
    en: 'This sale has a waiting room: join its line, and you can buy when it is your turn.',
  },
  room_note_paused: {
    zh: '本次发售的排队室已暂停：暂时不放行任何人，已排队的位置会保留。',
    en: 'This sale\'s waiting room is paused: nobody is let in for now, and places in its line '
      + 'are kept.',
  },
  brand: { zh: 'launchday 直售', en: 'launchday' },
  skip_to_content: { zh: '跳到正文', en: 'Skip to content' },
  nav_label: { zh: '主导航', en: 'Main navigation' },
  nav_launches: { zh: '发布', en: 'Launches' },
  nav_drops: { zh: '限量发售', en: 'Drops' },
  nav_ready: { zh: '现车', en: 'Ready stock' },
  nav_orders: { zh: '我的订单', en: 'My orders' },
  nav_account: { zh: '账户', en: 'Account' },
  nav_sign_in: { zh: '登录 / 注册', en: 'Sign in' },
  lang_switch: { zh: 'English', en: '中文' },
  loading: { zh: '加载中…', en: 'Loading…' },
  days_short: { zh: '{d} 天', en: '{d} d' },
  // A duration a setting gives (format.js duration): "1 minute 30 seconds".
  dur_minutes_one: { zh: '{n} 分钟', en: '{n} minute' },
  dur_minutes_other: { zh: '{n} 分钟', en: '{n} minutes' },
  dur_seconds_one: { zh: '{n} 秒', en: '{n} second' },
  dur_seconds_other: { zh: '{n} 秒', en: '{n} seconds' },
  // {hours} of deposit_line and terms_cooling: a launch's cooling-off, "1 hour" when it says 1.
  n_hours_one: { zh: '{n} 小时', en: '{n} hour' },
  n_hours_other: { zh: '{n} 小时', en: '{n} hours' },
  weeks_range: { zh: '{min}–{max} 周', en: '{min}–{max} weeks' },
  weeks_one: { zh: '{n} 周', en: '{n} week' },
  weeks_other: { zh: '{n} 周', en: '{n} weeks' },
  estimate_unknown: { zh: '暂无预估', en: 'No estimate yet' },
  included: { zh: '已含', en: 'Included' },

  launches_title: { zh: '新车发布', en: 'Launches' },
  from_price: { zh: '售价 {price} 起', en: 'From {price}' },
  trims: { zh: '版本与价格', en: 'Trims and prices' },
  deposit_line: {
    zh: '定金 {deposit}，支付后 {hours}冷静期内可免费修改或全额退款。',
    en:
      'Deposit {deposit}; for {hours} after paying you may change freely or cancel ' +
      'for a full refund.',
  },
  deposit_line_locks: {
    zh: '定金 {deposit}，支付即锁定，不可退还。',
    en: 'Deposit {deposit}; this edition locks on payment, so the deposit is not refundable.',
  },
  opens_in: { zh: '距开放订购还有', en: 'Orders open in' },
  opens_at: { zh: '开放时间：{at}', en: 'Opens {at}' },
  orders_open_now: { zh: '现已开放订购', en: 'Orders are open' },
  order_now: { zh: '立即下定', en: 'Order now' },
  order_not_yet: { zh: '尚未开放', en: 'Not open yet' },
  watch_live: { zh: '查看实时订单', en: 'Watch the live order count' },
  sign_in_to_continue: { zh: '登录后下定', en: 'Sign in to order' },
  sign_in_to_buy: { zh: '登录后购买', en: 'Sign in to buy' },

  configure_title: { zh: '选择配置', en: 'Configure' },
  choose_trim: { zh: '版本', en: 'Trim' },
  choose_colour: { zh: '外观颜色', en: 'Colour' },
  choose_wheels: { zh: '轮毂', en: 'Wheels' },
  choose_extras: { zh: '选装', en: 'Extras' },
  choose_city: { zh: '交付城市', en: 'Delivery city' },
  city_hint: {
    zh: '车辆将在该城市的交付中心交付。',
    en: 'The car is handed over at a delivery centre in this city.',
  },
  summary_heading: { zh: '订单摘要', en: 'Summary' },
  total_price: { zh: '车辆总价', en: 'Car price' },
  deposit_now: { zh: '现在支付定金', en: 'Deposit to pay now' },
  estimate_heading: { zh: '预计交付时间', en: 'Delivery estimate' },
  estimate_for: {
    zh: '{trim}，{city}交付，若现在锁定。',
    en: '{trim}, delivered in {city}, if locked now.',
  },
  terms_heading: { zh: '定金与锁定规则', en: 'Deposit, cooling-off and lock' },
  terms_deposit: {
    // Payable once production is scheduled (DOMAIN.md, balance payment), its deadline counted
    // from the car being ready at the centre, never from scheduling (README,
    // LAUNCHDAY_BALANCE_DEADLINE_DAYS): "due when scheduled" told a buyer otherwise.
    zh: '现在支付定金 {deposit}。排产后即可支付车价余款，付款期限从车辆到达交付中心、可以验车时起算。',
    en: 'You pay a {deposit} deposit now. The balance can be paid once production is scheduled; its deadline counts from your car being ready for you to inspect at the delivery centre.',
  },
  terms_cooling: {
    zh: '冷静期 {hours}（至约 {until}）：可随时修改配置，或取消并全额退还定金至原支付方式。',
    en:
      'Cooling-off for {hours} (until about {until}): change the configuration ' +
      'freely, or cancel and get the whole deposit back to your original payment method.',
  },
  terms_lock: {
    zh: '冷静期结束时订单自动锁定（您也可提前锁定）。锁定后：定金不再退还，配置冻结，订车人不可更改，订单按锁定时间进入生产排队。',
    en:
      'When cooling-off ends the order locks by itself (or earlier, if you choose). Once ' +
      'locked: the deposit is no longer refundable, the configuration is frozen, the buyer’s ' +
      'name cannot change, and the order joins the production queue by lock time.',
  },
  terms_locks_on_payment: {
    zh: '此版本支付即锁定：定金 {deposit} 支付后不可退还，配置不可修改。',
    en:
      'This edition locks on payment: the {deposit} deposit is non-refundable from the ' +
      'moment you pay and the configuration cannot change.',
  },
  pay_deposit: { zh: '支付定金 {deposit} 并下定', en: 'Pay {deposit} deposit and order' },
  ordering: { zh: '正在提交…', en: 'Placing your order…' },
  holding_title: { zh: '我们正在为您保留位置', en: 'We are holding your place' },
  holding_body: {
    zh: '当前下单人数众多，系统将在 {s} 秒后自动重试。请不要关闭页面；重复提交不会重复扣款。',
    en:
      'Very many people are ordering right now; we will retry by ourselves in {s} s. Keep ' +
      'this page open: you cannot be charged twice.',
  },
  holding_gave_up: {
    zh: '暂时仍未收到确认。点击“再试一次”继续同一笔订单，不会重复下单。',
    en:
      'Still no confirmation. Press “Try again” to continue the same order; it cannot ' +
      'create a second one.',
  },
  try_again: { zh: '再试一次', en: 'Try again' },

  orders_title: { zh: '我的订单', en: 'My orders' },
  orders_sign_in: { zh: '登录后查看您的订单。', en: 'Sign in to see your orders.' },
  orders_none: { zh: '您还没有订单。', en: 'You have no orders yet.' },
  orders_none_launch_drop: {
    zh: '您还没有新车发布的订单；您在限量发售中的购买列在下方。',
    en: 'You have no launch orders yet; your drop purchases are listed below.',
  },
  orders_none_launch_ready: {
    zh: '您还没有新车发布的订单；您的现车购买列在下方。',
    en: 'You have no launch orders yet; your ready-stock purchases are listed below.',
  },
  orders_none_launch_drop_ready: {
    zh: '您还没有新车发布的订单；您在限量发售和现车中的购买列在下方。',
    en: 'You have no launch orders yet; your drop and ready-stock purchases are listed below.',
  },
  // A buyer's drop purchases in My orders (orders-page.js): what each is, and where it stands.
  drop_purchases_title: { zh: '限量发售的购买', en: 'Drop purchases' },
  // A purchase the operator cancelled as suspicious (operator_cancel): why, and the refund.
  drop_cancelled_by_seller: {
    zh: '已被卖家取消（{t}）。原因：{reason}',
    en: 'Cancelled by the seller on {t}. Their reason: {reason}',
  },
  drop_cancel_refund: {
    zh: '已退款 {a}，退回您付款所用的方式（到账时间取决于银行）。',
    en: 'Refunded {a} to how you paid (your bank decides when it shows).',
  },
  drop_cancel_no_charge: {
    zh: '取消时尚未付款，未扣任何费用。',
    en: 'It was cancelled before payment: nothing was charged.',
  },
  drop_purchase_paid: { zh: '已付款 {a}（{t}）', en: 'Paid {a} on {t}' },
  drop_purchase_car_paid: {
    zh: '定金 {a} 已于 {t} 支付并锁定，不可退还',
    en: 'Deposit {a} paid on {t}: locked, not refundable',
  },
  drop_purchase_car_paid_priced: {
    zh: '定金 {a} 已于 {t} 支付并锁定，不可退还；车价 {p}',
    en: 'Deposit {a} paid on {t}: locked, not refundable. The car\'s price: {p}',
  },
  drop_purchase_held: {
    zh: '已为您保留至 {t}，尚未付款：请在发售页面付款',
    en: 'Held for you until {t}, not paid yet: pay on the drop\'s page',
  },
  drop_purchase_item: { zh: '{drop} · {v} × {n}', en: '{drop} · {v} × {n}' },
  order_id: { zh: '订单号', en: 'Order' },
  configuration: { zh: '配置', en: 'Configuration' },
  city: { zh: '交付城市', en: 'Delivery city' },
  price: { zh: '车辆总价', en: 'Price' },
  deposit: { zh: '定金', en: 'Deposit' },
  cooling_off: { zh: '冷静期', en: 'Cooling-off' },
  cooling_left: {
    zh: '剩余 {left}（至 {at}）：期间可修改或取消并全额退款，结束时自动锁定。',
    en:
      '{left} left (until {at}): change or cancel for a full refund until then; it locks ' +
      'by itself at the end.',
  },
  cooling_over: {
    zh: '冷静期已结束，订单即将锁定。',
    en: 'Cooling-off has ended; the order is locking.',
  },
  locked_at: { zh: '锁定时间', en: 'Locked' },
  queued_at: { zh: '重新排队时间', en: 'Re-queued' },
  queue_place: { zh: '排队位置', en: 'Queue place' },
  estimate: { zh: '预计交付', en: 'Delivery estimate' },
  basis_if_locked_now: { zh: '若现在锁定', en: 'if locked now' },
  basis_locked: { zh: '按锁定时间计算', en: 'by your lock time' },
  history: { zh: '订单记录', en: 'History' },
  status_firm: { zh: '已下定', en: 'Firm' },
  status_locked: { zh: '已锁定', en: 'Locked' },
  status_scheduled: { zh: '已排产', en: 'Scheduled' },
  status_cancelled: { zh: '已取消', en: 'Cancelled' },
  deposit_held: { zh: '已支付（可退）', en: 'held (refundable)' },
  deposit_held_locked: { zh: '已支付（锁定后不可退）', en: 'held (no longer refundable: locked)' },
  deposit_refunded: { zh: '已退还', en: 'refunded' },
  deposit_forfeited: { zh: '已扣除（不退还）', en: 'forfeited (not refunded)' },
  deposit_applied: { zh: '已抵扣车款', en: 'applied to the price' },
  history_placed: { zh: '下定，定金已支付', en: 'Order placed, deposit paid' },
  history_placed_and_locked: {
    zh: '下定并锁定（支付即锁定）',
    en: 'Order placed and locked on payment',
  },
  history_locked: { zh: '您提前锁定了订单', en: 'You locked the order' },
  history_auto_locked: {
    zh: '冷静期结束，订单自动锁定',
    en: 'Locked automatically when cooling-off ended',
  },
  history_changed: { zh: '配置已修改', en: 'Configuration changed' },
  history_switched: { zh: '已更换车型为 {to}', en: 'Switched to {to}' },
  history_requeued: { zh: '（从此刻重新排队）', en: '(re-queued from this moment)' },
  history_cancelled: { zh: '订单取消', en: 'Order cancelled' },
  history_cancelled_refunded: {
    zh: '订单取消，定金全额退还',
    en: 'Order cancelled, deposit refunded in full',
  },
  history_cancelled_forfeited: {
    zh: '订单取消，定金已扣除',
    en: 'Order cancelled, deposit forfeited',
  },
  history_scheduled: {
    zh: '已为您分配车辆，车架号 {vin}',
    en: 'A car was allocated to your order: VIN {vin}',
  },
  history_other: { zh: '订单更新', en: 'Order updated' },
  messages: { zh: '通知消息', en: 'Messages' },
  messages_none: { zh: '暂无消息。', en: 'No messages yet.' },
  msg_state_queued: { zh: '待发送', en: 'Queued' },
  msg_state_sending: { zh: '发送中', en: 'Sending' },
  msg_state_sent: { zh: '已发送', en: 'Sent' },
  msg_state_delivered: { zh: '已送达', en: 'Delivered' },
  msg_state_failed: { zh: '发送失败', en: 'Failed' },
  action_change: { zh: '修改配置', en: 'Change' },
  action_switch_model: { zh: '更换车型', en: 'Switch model' },
  action_lock: { zh: '锁定订单', en: 'Lock order' },
  action_cancel: { zh: '取消订单', en: 'Cancel order' },
  action_cancel_forfeit: { zh: '取消订单（扣除定金）', en: 'Cancel (deposit forfeited)' },
  dialog_back: { zh: '返回', en: 'Go back' },
  lock_title: { zh: '确认锁定订单？', en: 'Lock this order?' },
  lock_intro: { zh: '锁定后无法撤回：', en: 'Locking cannot be undone:' },
  lock_deposit: {
    zh: '定金 {deposit} 将不再退还；',
    en: 'your {deposit} deposit will no longer be refundable;',
  },
  lock_frozen: { zh: '配置冻结为：{config}；', en: 'the configuration is frozen as: {config};' },
  lock_name: { zh: '订车人不可再更改；', en: 'the buyer’s name can no longer change;' },
  lock_estimate: {
    zh: '订单从此刻进入生产排队，预计交付 {range}。',
    en: 'the order joins the production queue from this moment; estimated delivery {range}.',
  },
  lock_confirm: { zh: '确认锁定', en: 'Lock order' },
  cancel_title: { zh: '取消订单？', en: 'Cancel this order?' },
  cancel_refund_text: {
    zh: '订单在冷静期内，取消后定金 {deposit} 将全额退还至原支付方式。',
    en:
      'The order is within cooling-off: cancelling refunds the whole {deposit} deposit to ' +
      'your original payment method.',
  },
  cancel_refund_confirm: { zh: '取消并退还 {deposit}', en: 'Cancel and refund {deposit}' },
  cancel_forfeit_text: {
    zh: '订单已锁定。取消后定金 {deposit} 将被扣除，不予退还。',
    en:
      'This order is locked. Cancelling forfeits your {deposit} deposit: ' +
      'it will not be refunded.',
  },
  cancel_forfeit_accept: {
    zh: '我知道并接受扣除定金 {deposit}',
    en: 'I accept that my {deposit} deposit is forfeited',
  },
  cancel_forfeit_confirm: { zh: '取消订单并放弃定金', en: 'Cancel and forfeit deposit' },
  change_title: { zh: '修改配置', en: 'Change configuration' },
  change_confirm: { zh: '确认修改', en: 'Confirm change' },
  change_requeue: {
    zh: '订单已锁定：修改后将从修改时刻重新排队，且修改不可撤回。',
    en:
      'This order is locked: a change re-queues it from the moment of the change, and ' +
      'cannot be undone.',
  },
  new_price: { zh: '新车价：{price}', en: 'New price: {price}' },
  new_estimate: { zh: '新的预计交付：{range}', en: 'New delivery estimate: {range}' },
  switch_title: { zh: '更换车型', en: 'Switch model' },
  switch_intro: {
    zh: '定金 {deposit} 将转入新车型订单。订单从更换时刻重新排队，更换不可撤回。',
    en:
      'Your {deposit} deposit carries over to the new model. The order re-queues from the ' +
      'moment of the switch, and the switch cannot be undone.',
  },
  switch_to: { zh: '更换为', en: 'Switch to' },
  switch_confirm: { zh: '确认更换车型', en: 'Confirm switch' },
  flash_placed: { zh: '下定成功，定金已支付。', en: 'Order placed; your deposit is held.' },
  flash_locked: { zh: '订单已锁定。', en: 'The order is locked.' },
  flash_cancelled_refund: {
    zh: '订单已取消，定金将全额退还。',
    en: 'Order cancelled; the deposit is being refunded in full.',
  },
  flash_cancelled_forfeit: {
    zh: '订单已取消，定金已扣除。',
    en: 'Order cancelled; the deposit was forfeited.',
  },
  flash_changed: { zh: '配置已修改。', en: 'The configuration has changed.' },
  flash_switched: { zh: '车型已更换。', en: 'The model has been switched.' },

  account_title: { zh: '我的账户', en: 'Account' },
  sign_in_or_register: { zh: '登录或注册', en: 'Sign in or register' },
  sign_in_title: { zh: '短信验证码登录', en: 'Sign in with an SMS code' },
  register_title: { zh: '注册', en: 'Register' },
  register_why: {
    zh: '请在开售前完成实名注册，开售时即可直接下定。',
    en: 'Register with your real identity before the sale, so you can order the moment it opens.',
  },
  phone: { zh: '手机号', en: 'Mobile number' },
  phone_hint: { zh: '11 位中国大陆手机号', en: '11-digit mainland China mobile number' },
  name: { zh: '姓名', en: 'Name' },
  name_hint: { zh: '与身份证一致', en: 'As on your identity card' },
  id_number: { zh: '身份证号码', en: 'Identity number' },
  id_number_hint: { zh: '18 位，最后一位可能是 X', en: '18 characters; the last may be X' },
  sms_code: { zh: '短信验证码', en: 'SMS code' },
  send_code: { zh: '获取验证码', en: 'Send code' },
  resend_code: { zh: '重新发送', en: 'Send again' },
  sign_in: { zh: '登录', en: 'Sign in' },
  sign_out: { zh: '退出登录', en: 'Sign out' },
  sign_out_everywhere: { zh: '退出所有设备', en: 'Sign out everywhere' },
  register: { zh: '注册', en: 'Register' },
  code_sent: {
    zh: '验证码已发送至 {phone}，{min}内有效。',
    en: 'A code was sent to {phone}; it is valid for {min}.',
  },
  code_not_texted: {
    zh: '本服务器使用测试短信通道，不会向 {phone} 发送短信。请向运营人员索取验证码（运营后台“测试短信”页），{min}内有效。',
    en: 'This server uses the sandbox SMS provider, which texts nothing to {phone}. Ask an operator for the code (the console\'s "Sandbox SMS" tab); it is valid for {min}.',
  },
  dev_code: { zh: '测试环境验证码：{code}', en: 'Sandbox code: {code}' },

  v_phone_empty: { zh: '请输入手机号。', en: 'Enter your mobile number.' },
  v_phone_digits: { zh: '手机号只能包含数字。', en: 'A mobile number has digits only.' },
  v_phone_length: { zh: '手机号应为 11 位。', en: 'A mobile number has 11 digits.' },
  v_phone_prefix: { zh: '手机号应以 13–19 开头。', en: 'A mobile number starts with 13 to 19.' },
  v_name_empty: { zh: '请输入姓名。', en: 'Enter your name.' },
  v_name_long: { zh: '姓名最多 64 个字。', en: 'A name has at most 64 characters.' },
  v_name_chars: {
    zh: '姓名含有控制字符或不可见字符，请重新输入。',
    en: 'The name holds a control or invisible character; type it again.',
  },
  v_name_invisible: {
    zh: '姓名里没有可见的文字，请重新输入。',
    en: 'The name shows nothing visible; type it again.',
  },
  v_id_empty: { zh: '请输入身份证号码。', en: 'Enter your identity number.' },
  v_id_length: {
    zh: '身份证号码应为 18 位，当前 {n} 位。',
    en: 'An identity number has 18 characters; this has {n}.',
  },
  v_id_chars: {
    zh: '前 17 位应为数字，最后一位为数字或 X。',
    en: 'The first 17 characters are digits; the last is a digit or X.',
  },
  v_id_region: {
    zh: '前 6 位地区码无效。',
    en: 'The first 6 digits (the region code) are not valid.',
  },
  v_id_birth: { zh: '第 7–14 位出生日期无效。', en: 'Characters 7–14 are not a valid birth date.' },
  v_id_sequence: {
    zh: '第 15–17 位顺序码无效。',
    en: 'Characters 15–17 (the sequence number) are not valid.',
  },
  v_id_check: {
    zh: '最后一位校验码“{got}”与前 17 位不符，可能有数字输错，请逐位核对。',
    en:
      'The check character “{got}” does not match the first 17 digits: one of them is ' +
      'probably mistyped.',
  },
  // The configurator's bar, attempts and held orders.
  paybar_label: { zh: '价格与支付', en: 'Price and payment' },
  summary_attempt_heading: { zh: '正在下定的配置', en: 'Being ordered now' },
  line_trim: { zh: '版本', en: 'Trim' },
  line_colour: { zh: '颜色', en: 'Colour' },
  line_wheels: { zh: '轮毂', en: 'Wheels' },
  line_extras: { zh: '选装', en: 'Extra' },
  estimate_window: { zh: '约 {window} 交付', en: 'About {window}' },
  estimate_basis_now_one: {
    zh: '已有 {n} 台同版本订单锁定在前；产能变化时预估会更新。',
    en: '1 order of this trim is locked ahead; the estimate updates as capacity changes.',
  },
  estimate_basis_now_other: {
    zh: '已有 {n} 台同版本订单锁定在前；产能变化时预估会更新。',
    en: '{n} orders of this trim are locked ahead; the estimate updates as capacity changes.',
  },
  form_locked: {
    zh: '正在为以下配置下定，期间不能修改。如需更改，请先点击“重新开始”放弃本次下定。',
    en:
      'This configuration is being ordered and cannot change meanwhile. To change it, press ' +
      '“Start again”, which abandons this attempt.',
  },
  choices_kept: {
    zh: '已为您保留刚才的配置，请核对后再下定。',
    en: 'Your choices were kept: check them before you pay.',
  },
  start_again: { zh: '重新开始（放弃本次下定）', en: 'Start again (abandon this attempt)' },
  not_placed_trying: { zh: '订单尚未下成，仍在尝试', en: 'Not placed yet: still trying' },
  not_placed_offline: { zh: '您已离线：订单尚未下成', en: 'You are offline: not placed yet' },
  not_placed_yet: { zh: '订单尚未下成', en: 'Not placed yet' },
  retry_busy: {
    zh: '服务器繁忙，尚未接受这笔订单。重试不会重复扣款。',
    en: 'The server is busy and has not taken this order yet. Retrying never charges twice.',
  },
  retry_no_answer: {
    zh: '没有收到服务器的答复，订单可能尚未下成。重试同一笔订单不会重复下单。',
    en:
      'No answer came back, so the order may not be placed yet. Retrying the same order ' +
      'never orders twice.',
  },
  retry_not_open: {
    zh: '服务器表示订购尚未开始。',
    en: 'The server says orders are not open yet.',
  },
  retry_offline: {
    zh: '手机没有网络连接，请求没有发出。',
    en: 'This phone has no connection, so nothing was sent.',
  },
  retry_in: { zh: '{s} 秒后再试。', en: 'Next try in {s} s.' },
  retry_when_online: { zh: '恢复连接后立即重试。', en: 'We try again as soon as it is back.' },
  opening_moved: {
    zh: '开放时间已改为 {at}，订单未下成。届时按钮会重新出现。',
    en: 'The opening moved to {at}; no order was placed. The button comes back then.',
  },
  // Counted nouns (format.js counted()): the figure and its noun, one form per number.
  n_orders_one: { zh: '{n} 个订单', en: '{n} order' },
  n_orders_other: { zh: '{n} 个订单', en: '{n} orders' },
  n_accounts_one: { zh: '{n} 个账户', en: '{n} account' },
  n_accounts_other: { zh: '{n} 个账户', en: '{n} accounts' },
  held_orders_one: {
    zh: '您已持有本次发布的订单：{order}。',
    en: 'You already hold an order for this launch: {order}.',
  },
  held_orders_other: {
    zh: '您已持有本次发布的 {n} 个订单：{order}。',
    en: 'You already hold {n} orders for this launch: {order}.',
  },
  see_order: { zh: '查看订单', en: 'See the order' },
  see_my_orders: { zh: '查看我的订单', en: 'See my orders' },
  delivery_link: { zh: '尾款与交付预约', en: 'Balance and delivery' },
  order_another: { zh: '再下一个订单（另付定金）', en: 'Order another car (a second deposit)' },
  pay_another_deposit: {
    zh: '再支付一笔定金 {deposit}，下第二个订单',
    en: 'Pay a second {deposit} deposit for another order',
  },
  limit_reached_one: {
    zh: '每人本次发布最多可持有 {limit} 个订单，您已达到上限。',
    en: 'This launch allows one order per person; you have reached it.',
  },
  limit_reached_other: {
    zh: '每人本次发布最多可持有 {limit} 个订单，您已达到上限。',
    en: 'This launch allows {limit} orders per person; you have reached it.',
  },
  sign_in_again: { zh: '重新登录', en: 'Sign in again' },
  not_found_title: { zh: '页面不存在', en: 'Page not found' },
  not_found_body: { zh: '这个地址没有页面。', en: 'There is no page at this address.' },
  not_found_home: { zh: '返回发布页', en: 'Back to the launches' },

  // The launch list.
  tonight_heading: { zh: '本场发布', en: 'Tonight’s launch' },
  earlier_heading: { zh: '往期发布', en: 'Earlier launches' },
  launched_on: {
    zh: '{at} 已发布，仍接受订购。',
    en: 'Launched {at}; still taking orders.',
  },
  configure_link: { zh: '选择配置', en: 'Configure' },

  // The orders page: the stage tracker, queue, and why actions are or are not offered.
  stages_label: { zh: '订单进度', en: 'Order progress' },
  stage_placed: { zh: '已下定', en: 'Placed' },
  stage_cooling_off: { zh: '冷静期', en: 'Cooling-off' },
  stage_locked: { zh: '已锁定', en: 'Locked' },
  stage_scheduled: { zh: '已排产', en: 'Scheduled' },
  stage_built: { zh: '已生产', en: 'Built' },
  stage_ready: { zh: '待交付', en: 'Ready' },
  stage_delivered: { zh: '已交付', en: 'Delivered' },
  stage_current: { zh: '（当前）', en: ' (now)' },
  queue_position_none: {
    zh: '同版本生产队列第 {pos} 位：前面没有已锁定的同版本订单。',
    en: 'No. {pos} in the {trim} production queue: no locked order of this trim is ahead of yours.',
  },
  queue_position_ahead_other: {
    zh: '同版本生产队列第 {pos} 位：前面有 {ahead} 台已锁定的同版本订单。',
    en:
      'No. {pos} in the {trim} production queue: {ahead} locked orders of this trim are ' +
      'ahead of yours.',
  },
  queue_position_ahead_one: {
    zh: '同版本生产队列第 {pos} 位：前面有 1 台已锁定的同版本订单。',
    en: 'No. {pos} in the {trim} production queue: 1 locked order of this trim is ahead of yours.',
  },
  queue_meaning: {
    zh: '按锁定时间排队，全国同版本订单统一计算；前面的订单取消时，位置会前移，不会后退。',
    en:
      'By lock time, among every locked order of this trim in every city; it moves up when ' +
      'an order ahead is cancelled, never down.',
  },
  estimate_calendar: { zh: '约 {window}', en: 'about {window}' },
  why_no_cancel_refund: {
    zh: '订单已于 {at} 锁定，因此不再提供免费取消和修改；定金不再退还。',
    en:
      'Free cancellation and changes ended when the order locked at {at}; the deposit is ' +
      'no longer refundable.',
  },
  why_no_actions_cancelled: {
    zh: '订单已取消，没有可执行的操作。',
    en: 'The order is cancelled, so there is nothing to do on it.',
  },
  window_open_until: {
    zh: '修改窗口开放中，{at} 关闭（剩余 {left}）。',
    en: 'A change window is open until {at} ({left} left).',
  },
  lock_step: { zh: '第 {n} 步，共 {of} 步', en: 'Step {n} of {of}' },
  lock_give_up_title: { zh: '您将放弃什么', en: 'What you give up' },
  lock_give_up: {
    zh: '剩余 {left} 的冷静期（至 {at}）：在此期间您可以免费修改或取消并全额退还定金 {deposit}。锁定后定金不再退还。',
    en:
      'The {left} of cooling-off you have left (until {at}): until then you may change freely ' +
      'or cancel for your whole {deposit} deposit back. Once locked, the deposit is not ' +
      'refundable.',
  },
  lock_gain_title: { zh: '您将得到什么', en: 'What you gain' },
  lock_gain: {
    zh: '现在锁定，您将排在同版本生产队列第 {pos} 位（前面 {ahead} 台），预计交付 {range}（约 {window}）。若等到冷静期结束自动锁定，排在这之后锁定的订单后面。',
    en:
      'Lock now and your order is No. {pos} in the {trim} production queue ({ahead} ahead), ' +
      'delivery estimated {range} (about {window}). Waiting for the automatic lock puts you ' +
      'behind everyone who locks before then.',
  },
  lock_frozen_title: { zh: '锁定后不可更改', en: 'What becomes final' },
  lock_next: { zh: '下一步', en: 'Next' },
  lock_final: {
    zh: '最后确认：锁定不可撤回，定金 {deposit} 将不再退还。',
    en: 'Final confirmation: locking cannot be undone and the {deposit} deposit stops being refundable.',
  },
  lock_final_accept: {
    zh: '我明白锁定后定金 {deposit} 不可退还',
    en: 'I understand the {deposit} deposit is not refundable once locked',
  },
  switch_none: {
    zh: '目前没有可更换的车型。',
    en: 'There is no model this order can switch to now.',
  },
  // The order page with production (issue 15): the window from the plan, the car's VIN.
  window_between: { zh: '{range}之间', en: 'between {range}' },
  window_on: { zh: '{day}', en: 'on {day}' },
  // The plan's window with its weeks: "between 12 and 26 Jan 2027 (3–5 weeks)".
  estimate_window_range: { zh: '{window}（{range}）', en: '{window} ({range})' },
  vin: { zh: '车架号（VIN）', en: 'VIN' },
  vin_built: { zh: '{vin} · {built}下线', en: '{vin} · built on {built}' },
  vin_hint: {
    zh: '这台车已分配给您的订单：车架号即您的车。',
    en: 'This car is allocated to your order: the VIN is your car.',
  },
  message_received: { zh: '收到于 {at}', en: 'received {at}' },
  message_sent: { zh: '发送于 {at}', en: 'sent {at}' },
  message_written: { zh: '生成于 {at}', en: 'written {at}' },
};

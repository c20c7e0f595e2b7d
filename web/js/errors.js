// Every refusal code the server can return (docs/errors.md), in both languages: what happened,
// then what the buyer can do next. test/web/web-modules.test.ts fails when a code in
// docs/errors.md (or in the server's catalogue) has no entry here. The first four are outcomes
// of a request that never got an answer, named by this client.
import { lang } from './i18n.js';
import { plural } from './format.js';
import { STRINGS } from './strings.js';

// code: { zh: [what happened, what to do next], en: [...] }
export const ERRORS = {
  network_error: {
    zh: ['无法连接到服务器。', '请检查网络后重试。'],
    en: ['We could not reach the server.', 'Check your connection and try again.'],
  },
  timeout: {
    zh: ['服务器响应超时。', '请稍后重试；重复提交不会产生重复订单。'],
    en: [
      'The server took too long to answer.',
      'Try again in a moment; retrying cannot create a second order.',
    ],
  },
  server_error: {
    zh: ['服务器出现问题。', '请稍后重试。如果问题持续，请联系客服。'],
    en: [
      'Something went wrong on our side.',
      'Try again in a moment. If it keeps happening, contact customer service.',
    ],
  },
  unknown_error: {
    zh: ['请求未能完成。', '请刷新页面后重试。'],
    en: ['The request could not be completed.', 'Reload the page and try again.'],
  },
  invalid_request: {
    zh: ['提交的信息格式不正确。', '请检查填写的内容后重试。'],
    en: ['The request was not in the expected form.', 'Check what you entered and try again.'],
  },
  invalid_json: {
    zh: ['提交的信息格式不正确。', '请刷新页面后重试。'],
    en: ['The request was not valid JSON.', 'Reload the page and try again.'],
  },
  body_too_large: {
    zh: ['提交的内容过大。', '请减少内容后重试。'],
    en: ['The request was too large.', 'Send less and try again.'],
  },
  not_found: {
    zh: ['找不到该页面或资源。', '请返回首页重新进入。'],
    en: ['That page or resource does not exist.', 'Go back to the launches page.'],
  },
  method_not_allowed: {
    zh: ['不支持此操作。', '请刷新页面后重试。'],
    en: ['That action is not supported here.', 'Reload the page and try again.'],
  },
  unauthenticated: {
    zh: ['您尚未登录，或登录已过期。', '请重新登录后继续。'],
    en: ['You are not signed in, or your session has expired.', 'Sign in again to continue.'],
  },
  unauthorized: {
    zh: ['您尚未登录，或登录已过期。', '请重新登录后继续。'],
    en: ['You are not signed in, or your session has expired.', 'Sign in again to continue.'],
  },
  unsupported_media_type: {
    zh: ['提交的信息格式不受支持。', '请刷新页面后重试。'],
    en: [
      'The request was sent in a format the server does not take.',
      'Reload the page and try again.',
    ],
  },
  route_not_found: {
    zh: ['找不到该服务地址。', '请刷新页面；如仍有问题请联系客服。'],
    en: [
      'That address does not exist on the server.',
      'Reload the page; contact customer service if it persists.',
    ],
  },
  option_conflict: {
    zh: ['每组只能选择一项颜色和一项轮毂。', '请重新选择。'],
    en: ['Choose exactly one colour and one set of wheels.', 'Adjust your choice.'],
  },
  nothing_to_change: {
    zh: ['没有需要修改的内容。', '请至少修改一项配置后再提交。'],
    en: ['Nothing would change.', 'Change at least one item before confirming.'],
  },
  invalid_change_window: {
    zh: ['改配窗口的设置不正确。', '需要选择订单所属发布、开始早于结束，并至少允许一项修改。'],
    en: [
      'The change window settings are not valid.',
      'Choose the launch, an opening before the closing, and at least one allowed change.',
    ],
  },
  internal_error: {
    zh: ['服务器出现问题，本次操作可能未完成。', '请先查看订单状态，再稍后重试。'],
    en: [
      'Something went wrong on our side; the request may not have been completed.',
      'Check your order first, then try again shortly.',
    ],
  },
  malformed_request: {
    zh: ['请求格式不正确，服务器无法读取。', '请刷新页面后重试。'],
    en: [
      'The request was not well-formed and could not be read.',
      'Reload the page and try again.',
    ],
  },
  request_timeout: {
    zh: ['请求未能及时完整送达。', '请检查网络后重试。'],
    en: ['The request did not arrive in time.', 'Check your connection and try again.'],
  },
  headers_too_large: {
    zh: ['请求头过大。', '请清除本站的 Cookie 后刷新页面重试。'],
    en: [
      'The request headers were too large.',
      'Clear this site\'s cookies, reload and try again.',
    ],
  },
  signature_invalid: {
    zh: ['支付通知签名无效。', '此请求只应由支付服务商发送；请联系技术支持。'],
    en: [
      'The payment notification signature is not valid.',
      'Only the payment provider sends these; contact technical support.',
    ],
  },
  admin_only: {
    zh: ['此操作仅限运营人员。', '请使用运营令牌登录运营后台。'],
    en: ['Only an operator can do this.', 'Paste a valid operator token in the console.'],
  },
  invalid_phone: {
    zh: ['手机号格式不正确。', '请输入以 13–19 开头的 11 位中国大陆手机号。'],
    en: ['That is not a valid mobile number.', 'Enter an 11-digit mainland number starting 13–19.'],
  },
  invalid_name: {
    zh: ['姓名不正确。', '请填写身份证上的姓名。'],
    en: ['The name is not valid.', 'Enter your name as it appears on your identity card.'],
  },
  invalid_id_number: {
    zh: ['身份证号码格式不正确。', '请核对 18 位身份证号码（地区码、出生日期、顺序码和校验码）。'],
    en: [
      'That identity number is not valid.',
      'Check the 18 characters: region, birth date, sequence and check character.',
    ],
  },
  id_number_check_mismatch: {
    zh: ['身份证号码最后一位校验码与前 17 位不符。', '通常是某一位数字输错了，请逐位核对身份证。'],
    en: [
      'The check character (the last one) does not match the first 17 digits.',
      'Usually one digit is mistyped: compare each digit with your card.',
    ],
  },
  phone_taken: {
    zh: ['该手机号已注册。', '请直接用短信验证码登录。'],
    en: ['That phone number already has an account.', 'Sign in with an SMS code instead.'],
  },
  phone_already_registered: {
    zh: ['该手机号已注册。', '请直接用短信验证码登录。'],
    en: ['That phone number already has an account.', 'Sign in with an SMS code instead.'],
  },
  id_number_taken: {
    zh: ['该身份证号码已绑定其他账户。', '每人只能注册一个账户；如有疑问请联系客服。'],
    en: [
      'That identity number already belongs to an account.',
      'Each person may hold one account; contact customer service if this is wrong.',
    ],
  },
  id_number_already_registered: {
    zh: ['该身份证号码已绑定其他账户。', '每人只能注册一个账户；如有疑问请联系客服。'],
    en: [
      'That identity number already belongs to an account.',
      'Each person may hold one account; contact customer service if this is wrong.',
    ],
  },
  account_not_found: {
    zh: ['该手机号尚未注册。', '请先注册账户。'],
    en: ['No account uses that phone number.', 'Create an account first.'],
  },
  session_not_found: {
    zh: ['该登录会话不存在或已退出。', '刷新会话列表后再试。'],
    en: ['That session does not exist or is already signed out.', 'Reload the list of sessions.'],
  },
  operator_exists: {
    zh: ['已有同名操作员。', '换一个名字，或为该操作员更换令牌。'],
    en: ['An operator of that name exists.', 'Pick another name, or rotate its token.'],
  },
  notification_not_found: {
    zh: ['通知发件箱中没有这条消息。', '核对消息编号后再试。'],
    en: ['There is no such message in the notification outbox.',
      'Check the message id and try again.'],
  },
  operator_not_found: {
    zh: ['没有该名称的操作员。', '核对名称后再试。'],
    en: ['There is no operator of that name.', 'Check the name and try again.'],
  },
  reason_required: {
    zh: ['操作员需填写原因。', '请填写原因（1-500 字）后再提交。'],
    en: ['An operator must give a reason.', 'Write a reason (1-500 characters) and send again.'],
  },
  code_invalid: {
    // Said of the code as given (a text, or on a sandbox server an operator), not "the SMS".
    zh: ['验证码不正确。', '请核对收到的 6 位验证码，或重新获取。'],
    en: ['That code is not right.', 'Check the code you were given, or ask for a new one.'],
  },
  code_expired: {
    zh: ['验证码已过期。', '请重新获取验证码。'],
    en: ['That code has expired.', 'Ask for a new code.'],
  },
  code_rate_limited: {
    zh: ['获取验证码过于频繁。', '请稍等一分钟后再试。'],
    en: ['Too many codes were requested.', 'Wait a minute and try again.'],
  },
  too_many_attempts: {
    zh: ['尝试次数过多。', '请稍后再试。'],
    en: ['Too many attempts.', 'Wait a while and try again.'],
  },
  launch_not_found: {
    zh: ['找不到该发布。', '请返回首页选择车型。'],
    en: ['That launch does not exist.', 'Go back and choose a launch.'],
  },
  launch_not_open: {
    zh: ['订购尚未开始。', '请在倒计时结束后下单。'],
    en: ['Orders are not open yet.', 'Order when the countdown ends.'],
  },
  sales_not_open: {
    zh: ['订购尚未开始。', '请在倒计时结束后下单。'],
    en: ['Orders are not open yet.', 'Order when the countdown ends.'],
  },
  launch_closed: {
    zh: ['该车型的订购已结束。', '请关注后续发布。'],
    en: ['Orders for this launch have closed.', 'Watch for the next launch.'],
  },
  unknown_trim: {
    zh: ['所选版本不存在。', '请重新选择版本。'],
    en: ['That trim does not exist.', 'Choose a trim again.'],
  },
  unknown_option: {
    zh: ['所选配置不存在。', '请刷新页面重新选择配置。'],
    en: ['One of the options does not exist.', 'Reload the page and choose again.'],
  },
  option_group_conflict: {
    zh: ['每组只能选择一项颜色和一项轮毂。', '请重新选择。'],
    en: ['Choose exactly one colour and one set of wheels.', 'Adjust your choice.'],
  },
  unknown_city: {
    zh: ['该城市暂不提供交付。', '请选择列表中的城市。'],
    en: ['We do not deliver in that city yet.', 'Choose a city from the list.'],
  },
  city_not_served: {
    zh: ['该城市暂不提供交付。', '请选择列表中的城市。'],
    en: ['We do not deliver in that city yet.', 'Choose a city from the list.'],
  },
  per_account_limit_reached: {
    zh: ['您已达到本次发布的每人订购上限。', '如需更换配置，可在“我的订单”中修改现有订单。'],
    en: [
      'You already hold as many orders as this launch allows per person.',
      'Change an existing order in My orders instead of placing a new one.',
    ],
  },
  sold_out: {
    zh: ['已售罄。', '很抱歉，该版本已无可售名额。'],
    en: ['Sold out.', 'Sorry: no places are left for this edition.'],
  },
  idempotency_key_missing: {
    zh: ['请求缺少防重复标识。', '请刷新页面后重试。'],
    en: ['The request lacked its duplicate-protection key.', 'Reload the page and try again.'],
  },
  idempotency_key_invalid: {
    zh: ['请求的防重复标识无效。', '请刷新页面后重试。'],
    en: ['The duplicate-protection key was not valid.', 'Reload the page and try again.'],
  },
  // The same for an order, a drop purchase and a balance part: the page kept the key of an
  // attempt whose answer it never saw, and the details changed since.
  idempotency_key_reused: {
    zh: ['这次提交与之前的一次提交内容不同。', '请刷新页面，确认之前的那次是否已成功（订单和付款都在“我的订单”中）。'],
    en: [
      'This submission differs from an earlier one the page sent.',
      'Reload, and check whether the earlier one went through (My orders shows orders and '
        + 'payments).',
    ],
  },
  payment_declined: {
    // A deposit's or a drop's payment alike: what is said holds for both.
    zh: ['支付未成功，未扣款。', '请更换支付方式后重试。'],
    en: ['The payment was declined; nothing was charged.', 'Try another payment method.'],
  },
  payment_failed: {
    zh: ['定金支付未成功，未产生订单。', '请稍后重试。'],
    en: ['The deposit payment failed; no order was created.', 'Try again in a moment.'],
  },
  order_not_found: {
    zh: ['找不到该订单。', '请在“我的订单”中查看您的订单。'],
    en: ['That order was not found.', 'See your orders under My orders.'],
  },
  order_not_firm: {
    zh: ['该订单已不是待锁定状态。', '请刷新页面查看订单最新状态。'],
    en: ['That order is no longer firm.', 'Reload to see its current state.'],
  },
  order_locked: {
    zh: ['订单已锁定，配置不能再修改。', '如有开放的改配窗口，可在窗口内修改。'],
    en: [
      'The order is locked and its configuration is frozen.',
      'It can change only while a change window is open.',
    ],
  },
  order_already_locked: {
    zh: ['订单已经锁定。', '无需再次锁定。'],
    en: ['The order is already locked.', 'Nothing more to do.'],
  },
  order_cancelled: {
    zh: ['订单已取消。', '如需购买请重新下单。'],
    en: ['The order is cancelled.', 'Place a new order to buy.'],
  },
  order_already_cancelled: {
    zh: ['订单已经取消。', '如需购买请重新下单。'],
    en: ['The order is already cancelled.', 'Place a new order to buy.'],
  },
  order_delivered: {
    zh: ['车辆已交付，订单不能再修改。', '如有问题请联系客服。'],
    en: ['The car has been delivered; the order cannot change.', 'Contact customer service.'],
  },
  lock_needs_confirmation: {
    zh: ['锁定订单需要您明确确认。', '请阅读锁定说明后点击“确认锁定”。'],
    en: ['Locking needs your explicit confirmation.', 'Read what locking means, then confirm.'],
  },
  forfeit_not_accepted: {
    zh: ['取消已锁定订单会扣除定金，需要您明确同意。', '请确认同意扣除定金后再取消。'],
    en: [
      'Cancelling a locked order forfeits the deposit, which you must accept explicitly.',
      'Confirm that you accept losing the deposit, then cancel.',
    ],
  },
  cooling_off_ended: {
    zh: ['冷静期已结束，订单已锁定。', '请刷新页面查看订单最新状态。'],
    en: ['The cooling-off period has ended and the order is locked.', 'Reload to see its state.'],
  },
  change_not_allowed: {
    zh: [
      '当前开放的改配窗口不允许这项修改。',
      '请只修改窗口允许的项目（其余保持不变），或等待允许该修改的窗口。',
    ],
    en: [
      'The open change window does not allow this change.',
      'Change only what the window allows and keep the rest as it is, or wait for a window ' +
        'that allows it.',
    ],
  },
  change_window_closed: {
    zh: ['改配窗口未开放或已关闭。', '请留意官方通知的下一个改配窗口。'],
    en: ['No change window is open for this order.', 'Watch for the next announced window.'],
  },
  change_window_not_found: {
    zh: ['找不到该改配窗口。', '请刷新列表。'],
    en: ['That change window does not exist.', 'Reload the list.'],
  },
  change_window_invalid: {
    zh: ['改配窗口的设置不正确。', '请检查开始与结束时间及允许的修改项。'],
    en: ['The change window settings are not valid.', 'Check the times and the allowed changes.'],
  },
  change_window_already_closed: {
    zh: ['该改配窗口已关闭。', '无需再次关闭。'],
    en: ['That change window is already closed.', 'Nothing more to do.'],
  },
  model_switch_not_allowed: {
    zh: ['当前不能更换车型。', '仅在开放的换车型窗口内，已锁定且未交付的订单可以更换。'],
    en: [
      'The model cannot be switched now.',
      'Only locked, undelivered orders can switch, while a model-switch window is open.',
    ],
  },
  deposit_already_refunded: {
    zh: ['定金已经退还。', '无需再次退款。'],
    en: ['The deposit has already been refunded.', 'Nothing more to do.'],
  },
  deposit_not_refundable: {
    zh: ['该定金不可退还。', '订单已锁定，定金不再退还。'],
    en: [
      'This deposit cannot be refunded.',
      'The order is locked, so the deposit is no longer refundable.',
    ],
  },
  refund_not_allowed: {
    zh: ['该订单当前不能退款。', '只有待锁定订单的定金可以退还。'],
    en: ['This order cannot be refunded now.', 'Only a firm order’s deposit can be refunded.'],
  },
  clock_not_simulated: {
    zh: ['服务器未使用模拟时钟。', '仅在以模拟时钟启动时可以拨动时间。'],
    en: [
      'The server is not running a simulated clock.',
      'Start it with LAUNCHDAY_CLOCK=simulated.',
    ],
  },
  overloaded: {
    zh: ['当前访问人数过多，请求尚未完成。', '请不要关闭页面，系统会自动重试；重试不会重复下单。'],
    en: [
      'Very many people are ordering right now; this request was not completed.',
      'Keep this page open; it retries by itself and never orders twice.',
    ],
  },
  live_viewers_full: {
    zh: ['实时数据流观看人数已满。', '本页改为每秒读取一次同样的数据，无需任何操作。'],
    en: [
      'Too many viewers are watching the live stream.',
      'This screen reads the same figures once a second instead; nothing to do.',
    ],
  },
  commit_unknown: {
    zh: ['保存时订单系统中断，这次操作可能已经生效，也可能没有。', '请先刷新查看订单，再决定是否重试；同一次下单重试不会重复下单。'],
    en: [
      'Our order system went away while saving this: it may or may not have been done.',
      'Reload your order to see before trying again; retrying the same order never orders twice.',
    ],
  },
  store_unavailable: {
    zh: ['订单系统暂时无法访问，本次请求未完成。', '请不要关闭页面，系统会自动重试，不会重复下单。'],
    en: [
      'Our order system cannot be reached for a moment; this request was not completed.',
      'Keep this page open; it retries by itself and never orders twice.',
    ],
  },
  service_unavailable: {
    zh: ['服务暂时繁忙。', '系统会自动重试，请稍候。'],
    en: ['The service is busy for a moment.', 'It will retry by itself; please wait.'],
  },
  rate_limited: {
    zh: ['请求过于频繁。', '请稍等片刻再试。'],
    en: ['Too many requests.', 'Wait a moment and try again.'],
  },
  transfer_coding_unsupported: {
    zh: ['请求的传输编码不受支持。', '请刷新页面后重试。'],
    en: [
      'The request was sent in an encoding the server does not take.',
      'Reload the page and try again.',
    ],
  },
  content_encoding_unsupported: {
    zh: ['请求内容经过压缩，服务器不接受。', '请刷新页面后重试。'],
    en: [
      'The request was sent compressed, which the server does not take.',
      'Reload the page and try again.',
    ],
  },
  too_many_connections: {
    zh: ['您所在的网络同时打开的连接过多，这次连接已被关闭。', '请关闭本站的其他页面，或稍等片刻再试。'],
    en: [
      'Too many connections are open from your network at once; this one was closed.',
      'Close other pages of this site, or wait a moment and try again.',
    ],
  },
  plan_not_found: {
    zh: ['该车型版本还没有生产计划。', '请先为它录入生产计划。'],
    en: ['This trim has no production plan yet.', 'Enter a production plan for it first.'],
  },
  delivery_city_not_found: {
    zh: ['没有车型交付到该城市，因此没有交付时段。', '请检查城市名称：它应是某个车型的交付城市。'],
    en: ['No launch delivers to this city, so it has no delivery slots.',
      'Check its name: it must be one of the launches\' delivery cities.'],
  },
  centre_not_found: {
    zh: ['该城市还没有交付中心记录。', '请先录入该城市的交付中心，或选择另一个城市。'],
    en: ['This city has no delivery centre on record.',
      'Enter its delivery centre first, or pick another city.'],
  },
  invalid_vin: {
    zh: ['车架号（VIN）无效。', '请核对 17 位字符（不含 I、O、Q）和第 9 位校验位。'],
    en: ['The VIN is not valid.',
      'Check its 17 characters (no I, O or Q) and the check character in ninth place.'],
  },
  vin_conflict: {
    zh: ['该车架号已按另一种配置登记。', '请核对这辆车的配置后再登记。'],
    en: ['This VIN was recorded with another configuration.',
      'Check the car\'s configuration before recording it.'],
  },
  drop_not_found: {
    zh: ['找不到该限量发售。', '请返回首页查看正在进行的发售。'],
    en: ['That drop does not exist.', 'Go back and look at the drops on now.'],
  },
  drop_not_open: {
    zh: ['限量发售尚未开始。', '请在本页开售倒计时结束后购买。'],
    en: ['The drop has not opened yet.', 'Buy when the countdown on this page ends.'],
  },
  // Also a size sold for good (no waitlist) and a sold-out waiting room: the next step holds
  // for each, as the catalogue's text does (kernel/outcomes.ts).
  drop_sold_out: {
    zh: ['已售罄。', '正在付款的商品若未付款会退回，并按候补名单顺序提供；全部售出后不再退回，也没有候补名单。'],
    en: ['Sold out.', 'Units still being paid for come back if unpaid and are offered to the '
      + 'waitlist in turn; once every unit is sold, none come back and there is no waitlist.'],
  },
  drop_limit_reached: {
    zh: ['您已达到该发售的每人限购数量。', '每个账户和每个身份证号的限购数量相同，无法再购买。'],
    en: ['You have reached this drop\'s limit per person.',
      'The limit counts per account and per identity number; you cannot buy more.'],
  },
  unknown_variant: {
    zh: ['所选尺码不存在。', '请重新选择尺码。'],
    en: ['That size does not exist.', 'Choose a size again.'],
  },
  invalid_drop: {
    zh: ['限量发售的设置无效。', '请按提示修改后重新保存。'],
    en: ['The drop\'s settings are not valid.', 'Correct what the message names and save again.'],
  },
  drop_already_open: {
    zh: ['该发售已开始，无法再修改。', '开售后数量和限购不能更改。'],
    en: ['The drop has opened and can no longer change.',
      'Quantities and limits are fixed once a drop opens.'],
  },
  hold_not_found: {
    zh: ['找不到该预留。', '请刷新页面查看您的预留和购买。'],
    en: ['That hold was not found.', 'Reload the page to see your holds and purchases.'],
  },
  hold_expired: {
    zh: ['预留已在付款完成前到期，未扣款。', '商品已重新开售；如仍有货可再次购买。'],
    en: ['Your hold ended before the payment completed; nothing was charged.',
      'The units went back on sale; buy again if any are left.'],
  },
  hold_closed: {
    zh: ['该预留已不在等待付款。', '请刷新页面查看它的状态。'],
    en: ['This hold is no longer waiting for payment.', 'Reload the page to see where it stands.'],
  },
  waitlist_not_needed: {
    zh: ['该尺码目前有货。', '请直接购买，无需候补。'],
    en: ['This size is on sale now.', 'Buy it directly; no need to wait.'],
  },
  delivery_not_started: {
    zh: ['该订单尚未分配车辆。', '排产后即可支付尾款、预约交付。'],
    en: ['No car is allocated to this order yet.',
      'The balance and the appointment open once it is scheduled.'],
  },
  delivery_not_ready: {
    zh: ['车辆尚未到达交付中心。', '车辆可验车后即可预约交付时间。'],
    en: ['The car is not at the delivery centre yet.',
      'Book an appointment once it is ready for inspection.'],
  },
  balance_outstanding: {
    zh: ['尾款尚未全部到账。', '请支付剩余尾款，或等待处理中的付款确认。'],
    en: ['The balance is not fully received yet.',
      'Pay what is left, or wait for the payments under way to be confirmed.'],
  },
  balance_covered: {
    zh: ['尾款已付清或已有付款在处理中。', '无需再付款；请刷新查看付款状态。'],
    en: ['Nothing more is due.', 'Reload to see your payments under way.'],
  },
  balance_part_invalid: {
    zh: ['付款金额无效。', '请输入不低于最低金额、不超过剩余尾款的金额。'],
    en: ['That amount cannot be paid.',
      'Enter at least the smallest part and at most what is still due.'],
  },
  balance_parts_limit: {
    zh: ['尾款分笔支付次数已达上限。', '请一次付清剩余尾款。'],
    en: ['The balance has as many parts as allowed.', 'Pay the rest in one part.'],
  },
  deferral_not_allowed: {
    zh: ['该订单目前不能延期提车。', '只有已分配车辆且尚未交付的订单可以延期。'],
    en: ['This order cannot be deferred now.',
      'Only an order with a car allocated and not yet handed over can be.'],
  },
  deferral_too_long: {
    zh: ['延期天数超出剩余可延期天数。', '请选择更短的延期。'],
    en: ['That deferral is longer than the days you have left.', 'Choose a shorter deferral.'],
  },
  slot_invalid: {
    zh: ['该时段不可预约。', '请从列出的时段中选择。'],
    en: ['That is not an appointment slot.', 'Pick one of the slots listed.'],
  },
  slot_full: {
    zh: ['该时段已约满。', '请选择其他时段。'],
    en: ['That slot is fully booked.', 'Pick another slot.'],
  },
  appointment_not_found: {
    zh: ['该订单没有预约。', '请先预约交付时间。'],
    en: ['This order has no appointment.', 'Book an appointment first.'],
  },
  appointment_not_due: {
    zh: ['预约时间尚未到。', '预约开始后才能记录未到店。'],
    en: ['The appointment has not begun yet.', 'Record a no-show once it has.'],
  },
  already_delivered: {
    zh: ['该订单已交付。', '交付后无法再更改。'],
    en: ['This order has been handed over.', 'Nothing about its delivery can change now.'],
  },
  handover_unconfirmed: {
    zh: ['请确认验车和交钥匙。', '两项都确认后才能记录交付。'],
    en: ['Confirm the inspection and the keys.', 'Both are needed to record a handover.'],
  },
  waitlist_full: {
    zh: ['候补名单已满。', '请关注后续发售。'],
    en: ['The waitlist is full.', 'Watch for the next drop.'],
  },
  unknown_price_item: {
    zh: ['该车型配置或选装不存在。', '请从车型目录中选择。'],
    en: ['The launch has no such trim or option.', 'Pick one from its catalogue.'],
  },
  invalid_price_change: {
    zh: ['调价无效。', '请按提示修改：生效时间不能早于现在，并须填写原因。'],
    en: ['The price change is not valid.',
      'Correct what the message names: it cannot take effect in the past, and needs a reason.'],
  },
  price_version_not_found: {
    zh: ['该发布没有这个价格版本。', '请查看其价格版本列表。'],
    en: ['This launch has no such price version.', 'See its list of price versions.'],
  },
  price_version_not_applied: {
    zh: ['该价格版本尚未生效。', '生效时会自动执行价格保护。'],
    en: ['This price version has not taken effect yet.',
      'Its price protection runs when it does.'],
  },
  ready_car_not_found: {
    zh: ['该现车已售出或不在现车列表中。', '请从列表中选择其他现车。'],
    en: ['That car is sold or not in ready stock.', 'Pick another car from the list.'],
  },
  ready_car_taken: {
    zh: ['另一位用户正在为该车付款或已购得。', '请选择其他现车；如对方未完成付款，几分钟后可再试。'],
    en: ['Another buyer is paying for this car or bought it.',
      'Pick another car, or try again in a few minutes in case their payment does not complete.'],
  },
  ready_car_not_listable: {
    zh: ['该车辆不能上架为现车。', '只有未分配订单的已生产车辆可以上架，且不能重复上架。'],
    en: ['This car cannot be listed as ready stock.',
      'Only a built car no order holds can be listed, and only once.'],
  },
  ready_sale_not_found: {
    zh: ['找不到您的这笔现车购买。', '请刷新页面查看您的购买。'],
    en: ['That ready-stock purchase of yours was not found.',
      'Reload the page to see your purchases.'],
  },
  ready_hold_expired: {
    zh: ['付款未在保留时间内完成，车辆已重新开售，未扣款。', '如该车仍在列表中，可再次购买。'],
    en: ['The time to pay ran out and the car went back on sale; nothing was charged.',
      'Buy it again if it is still on the list.'],
  },
  ready_sale_not_payable: {
    zh: ['这笔购买没有待付尾款。', '它已付清或已结束；请刷新页面查看状态。'],
    en: ['This purchase has no balance to pay.',
      'It is paid or it ended; reload the page to see where it stands.'],
  },
  ready_balance_overdue: {
    zh: ['尾款期限已过，车辆已重新开售。', '您的定金将原路退回。'],
    en: ['The balance deadline passed and the car went back on sale.',
      'Your deposit is being refunded to the original payment method.'],
  },
  waiting_room_not_found: {
    zh: ['找不到该排队室。', '请从发布页重新进入。'],
    en: ['That waiting room does not exist.', 'Go back to the launch page and enter again.'],
  },
  invalid_waiting_room: {
    zh: ['排队室的设置无效。', '请按提示修改后重新保存。'],
    en: ['The waiting room\'s settings are not valid.',
      'Correct what the message names and save again.'],
  },
  waiting_room_not_open: {
    zh: ['排队尚未开始。', '请在页面显示的时间之后再来。'],
    en: ['The queue has not opened yet.', 'Come back at the time shown.'],
  },
  waiting_ticket_invalid: {
    zh: ['排队凭证无效。', '请重新进入排队室。'],
    en: ['Your queue ticket is not valid.', 'Enter the waiting room again.'],
  },
  waiting_ticket_expired: {
    zh: ['您的排队位置已失效：页面关闭的时间超过了保留时长。', '请重新进入排队室。'],
    en: ['Your place lapsed: the page was closed longer than places are kept.',
      'Enter the waiting room again.'],
  },
  too_many_tickets: {
    zh: ['您所在的网络已占用过多排队位置。', '请保留现有的位置（刷新页面不会丢失）。'],
    en: ['Too many places are held from your network.',
      'Keep the one you have (a reload keeps it).'],
  },
  waiting_room_pass_required: {
    zh: ['本次发售需要先排队。', '请进入排队室，轮到您时会获得下单凭证。'],
    en: ['This sale is behind a waiting room.',
      'Enter the waiting room; when it is your turn you get a pass to order with.'],
  },
  waiting_room_pass_invalid: {
    zh: ['您的下单凭证已过期、已使用或已被撤销。', '请重新进入排队室。'],
    en: ['Your pass has ended, was used or was revoked.', 'Enter the waiting room again.'],
  },
  waiting_room_pass_in_use: {
    zh: ['您的另一个请求正在使用这张下单凭证（仍在付款中）。', '请保留凭证，稍等几秒后再试。'],
    en: ['Another request of yours is using this pass (it is still being paid for).',
      'Keep the pass and try again in a few seconds.'],
  },
  waiting_room_pass_other_account: {
    zh: ['这张下单凭证属于另一个账号：凭证在第一次使用时即绑定到该账号。', '请登录那个账号，或进入排队室领取您自己的凭证。'],
    en: ['This pass belongs to another account: a pass is bound to the first account that uses '
      + 'it.', 'Sign in as that account, or enter the waiting room for a pass of your own.'],
  },
  waiting_room_not_shuffled: {
    zh: ['这个排队室还没有抽签排序（开售前，或按到达顺序排队）。', '开售时间过后再来核对抽签结果。'],
    en: ['This waiting room has not drawn its order yet (before the opening, or it queues in '
      + 'order of arrival).', 'Check the draw after the opening.'],
  },
  opening_held_by_waiting_room: {
    zh: ['已有人进入这个排队室，开售时间不能再改。', '排队的人在等页面显示的开售时间；请保持不变。'],
    en: ['People have joined the waiting room in front of it: the opening can no longer move.',
      'The people in it wait for the opening they were shown; keep it.'],
  },
  waiting_room_settings_fixed: {
    zh: ['已有人进入这个排队室：它对应的发布或抢购、开售时间、预排队时间和排序方式都不能再改。',
      '排队的人在等页面告诉他们的那场开售；要换别的开售，请另建一个排队室。'],
    en: ['People have joined this waiting room: its sale, opening, pre-queue time and order '
      + 'can no longer change.', 'They wait for the sale they were shown; make another room '
      + 'for another sale.'],
  },
  waiting_room_opening_passed: {
    zh: ['这场开售已经开始：抽签排序的排队室必须在开售前建好，好让大家在抽签前记下种子的承诺值。',
      '已开售的发布或抢购：把“开售时的顺序”选为“按到达顺序”；或者不排队，让这个排队室保持关闭（不勾选“开启排队室”），或不建排队室。'],
    en: ['This sale has opened: a shuffled waiting room must stand before its opening, so that '
      + 'its seed\'s commitment can be noted before the draw.', 'For a sale already open, set '
      + '"Order at the opening" to "arrival order"; or let the sale go without a queue: leave '
      + 'this room switched off ("Room on" unticked), or make none.'],
  },
  waiting_pass_not_found: {
    zh: ['该排队室没有发出过这个下单凭证。', '请刷新列表。'],
    en: ['This waiting room gave no such pass.', 'Reload the list.'],
  },
  waiting_pass_not_active: {
    zh: ['这个下单凭证已用于一笔已完成的订单或购买，或已过期，撤销它拦不住任何人。', '无需操作；请刷新列表。'],
    en: ['This pass was used for an order or purchase that went through, or has ended: '
      + 'revoking it would stop no one.',
      'Nothing to do; reload the list.'],
  },
  waiting_ticket_not_found: {
    zh: ['该排队室中没有这个排队凭证。', '请核对凭证编号。'],
    en: ['This waiting room has no such ticket.', 'Check the ticket id.'],
  },
  waiting_ticket_not_in_line: {
    zh: ['这个排队凭证已不在队列中（已放行或已过期），不能暂扣或放回。',
      '要阻止已放行的人下单，请撤销它的下单凭证。'],
    en: ['This ticket is no longer in the line (admitted, or its place lapsed): it cannot be '
      + 'held or released.', 'To stop an admitted one, revoke its pass.'],
  },
  text_not_well_formed: {
    zh: ['提交的文字中含有无法保存的字符（不成对的代理字符）。', '请删除该字符后重新输入并提交。'],
    en: [
      'The text sent holds a character that cannot be stored (half of a surrogate pair).',
      'Remove that character, type the text again and resend.',
    ],
  },
};

// The next step after a wrong code, by how many tries the server says are left; and the
// launch's limit per person: counted, as every count on a page is (format.js plural()).
Object.assign(STRINGS, {
  tries_left_one: { zh: '还可再试 1 次；用完后需等待 15 分钟。', en: '1 try left before a 15-minute wait.' },
  tries_left_other: {
    zh: '还可再试 {n} 次；用完后需等待 15 分钟。请核对收到的验证码，或重新获取。',
    en: '{n} tries left before a 15-minute wait. Check the code you were given, or ask for a '
      + 'new one.',
  },
});

// The refusals whose text speaks of an order, as a drop's purchase meets them: a purchase, not
// an order (new-user review of issue #17). Used when the page says `{ purchase: true }`.
const PURCHASE_WORDING = {
  timeout: {
    zh: ['服务器响应超时。', '请稍后重试；重复提交不会重复购买。'],
    en: ['The server took too long to answer.',
      'Try again in a moment; retrying cannot buy twice.'],
  },
  waiting_room_pass_required: {
    zh: ['本次发售需要先排队。', '请进入排队室，轮到您时会获得购买凭证。'],
    en: ['This sale is behind a waiting room.',
      'Enter the waiting room; when it is your turn you get a pass to buy with.'],
  },
  waiting_room_pass_invalid: {
    zh: ['您的购买凭证已过期、已使用或已被撤销。', '请重新进入排队室。'],
    en: ['Your pass has ended, was used for another purchase or was revoked.',
      'Enter the waiting room again.'],
  },
  waiting_room_pass_in_use: {
    zh: ['您的另一个购买请求正在使用这张购买凭证（仍在付款中）。', '请保留凭证，稍等几秒后再试。'],
    en: ['Another purchase of yours is using this pass (it is still being paid for).',
      'Keep the pass and try again in a few seconds.'],
  },
  waiting_room_pass_other_account: {
    zh: ['这张购买凭证属于另一个账号：凭证在第一次使用时即绑定到该账号。', '请登录那个账号，或进入排队室领取您自己的凭证。'],
    en: ['This pass belongs to another account: a pass is bound to the first account that uses '
      + 'it.', 'Sign in as that account, or enter the waiting room for a pass of your own.'],
  },
  commit_unknown: {
    zh: ['保存时系统中断，这次购买可能已经生效，也可能没有。', '请先刷新查看您的购买，再决定是否重试；同一次购买重试不会重复购买。'],
    en: ['Our system went away while saving this: the purchase may or may not have been made.',
      'Reload to see your purchases before trying again; retrying the same purchase never '
        + 'buys twice.'],
  },
  idempotency_key_reused: {
    zh: ['这次提交与之前的一次提交内容不同。', '请刷新页面，确认之前的那次购买是否已成功（购买也在“我的订单”中）。'],
    en: ['This submission differs from an earlier one the page sent.',
      'Reload, and check whether the earlier purchase went through (My orders lists purchases '
        + 'too).'],
  },
};

// A 422 is a request refused for what it holds: its message names the field or the rule at
// fault (docs/errors.md, "the message names it"; "there is no drop jaket"), the one place that
// says what to correct. It is shown under the sentence for every such code, in English as the
// server wrote it, under the Chinese sentence too, marked as the server's words.
const VALIDATION_STATUS = 422;

Object.assign(STRINGS, {
  error_detail: { zh: '服务器说明（英文）：{m}', en: 'The server says: {m}' },
});

/**
 * {what, next, detail} for a failed api result, in the reader's language. An unknown code still
 * gets a sentence and a next step. `detail` is the server's own message where it names what to
 * correct (a 422) or the code is unknown, else null.
 */
export function errorText(result, vars = {}) {
  const entry = (vars.purchase ? PURCHASE_WORDING[result.code] : undefined)
    ?? ERRORS[result.code];
  let [what, next] = entry ? entry[lang()] : ERRORS.unknown_error[lang()];
  // Figures in a sentence: those the page passes, then those in the refusal itself.
  const figures = { ...vars, ...(result.data?.error ?? {}) };
  const fill = (text) => text.replace(/\{(\w+)\}/g, (m, k) => (k in figures ? figures[k] : m));
  if (result.code === 'code_invalid' && Number.isInteger(figures.tries_left)) {
    next = plural('tries_left', figures.tries_left);
  }
  if (result.code === 'per_account_limit_reached' && Number.isInteger(vars.limit)) {
    what = plural('limit_reached', vars.limit, { limit: vars.limit });
  }
  const detail = result.message && (!entry || result.status === VALIDATION_STATUS)
    ? STRINGS.error_detail[lang()].replace('{m}', result.message) : null;
  return { what: entry ? fill(what) : what, next: entry ? next && fill(next) : next, detail };
}

// Text of the drop page only, kept apart so the other buyer pages do not load it.
export const DROP_STRINGS = {
  drop_price: { zh: '价格 {p}', en: 'Price {p}' },
  drop_car_deposit: {
    zh: '定金 {d}，用于订购一台 {car}',
    en: 'Deposit {d} for one {car}',
  },
  drop_car_deposit_priced: {
    zh: '定金 {d}，用于订购一台 {car}（车价 {p}）',
    en: 'Deposit {d} for one {car} (the car\'s price: {p})',
  },
  drop_deposit_for: {
    zh: '定金 {d} 在支付时即锁定，不予退还（之后取消也不退）；它为您保留这一版本的一台车。',
    en: 'The deposit of {d} locks when you pay: it is not refundable, even if you cancel '
      + 'afterwards. It secures one car of this edition for you.',
  },
  drop_limit: {
    zh: '每个账户限购 {a} 件，每个身份证号限购 {i} 件',
    en: 'At most {a} per account and {i} per identity number',
  },
  // A car drop's cars are counted as cars (辆), not as pieces of merchandise (件).
  drop_limit_car: {
    zh: '每个账户限购 {a} 辆，每个身份证号限购 {i} 辆',
    en: 'At most {a} per account and {i} per identity number',
  },
  drop_opens_at: { zh: '开售时间 {t}', en: 'Opens {t}' },
  drop_opens_in: { zh: '还有', en: 'in' },
  drop_open: { zh: '发售中', en: 'On sale now' },
  drop_all_sold: { zh: '已全部售罄', en: 'Sold out: every size is sold' },
  drop_all_sold_car: { zh: '已全部售罄', en: 'Sold out: every car is sold' },
  drop_all_held: {
    zh: '已全部被保留（正在付款）：未付款的会退回，可能还有机会',
    en: 'All units held while their payments complete: some may come back',
  },
  // Every unit held, one of them for this buyer (an offer): said as theirs, not as gone.
  drop_all_held_mine: {
    zh: '其余均已售出或正在付款；有一件为您保留，请在下方付款',
    en: 'The rest are sold or being paid for; one is held for you: pay for it below',
  },
  drop_all_held_mine_car: {
    zh: '其余均已售出或正在付款；有一辆为您保留，请在下方支付定金',
    en: 'The rest are sold or being paid for; one car is held for you: pay its deposit below',
  },
  drop_remaining: { zh: '剩余 {n} / {q}', en: '{n} of {q} left' },
  drop_sold_out: { zh: '已售罄', en: 'Sold out' },
  drop_sold_out_held: {
    zh: '已售罄（{n} 件正在付款，未付款将退回）',
    en: 'Sold out ({n} being paid for; unpaid ones come back)',
  },
  drop_sold_out_held_car: {
    zh: '已售罄（{n} 辆正在付款，未付款将退回）',
    en: 'Sold out ({n} being paid for; unpaid ones come back)',
  },
  drop_sold_out_mine: { zh: '为您保留了一件：请在下方付款', en: 'One is held for you: pay below' },
  drop_sold_out_mine_car: {
    zh: '为您保留了一辆：请在下方支付定金',
    en: 'One is held for you: pay its deposit below',
  },
  drop_buy: { zh: '购买 {v} · {p}', en: 'Buy {v} · {p}' },
  drop_buy_car: { zh: '购买 {v}：支付定金 {d}', en: 'Buy {v}: pay the {d} deposit' },
  drop_confirm_title: { zh: '支付 {car}（{v}）的定金？', en: 'Pay the deposit for {car} ({v})?' },
  drop_confirm_body: {
    zh: '定金 {d} 在支付时即锁定，永不退还：之后取消也不退。请确认后再支付。',
    en: 'The {d} deposit locks the moment you pay and is never refunded, even if you cancel '
      + 'afterwards. Pay only if you are sure.',
  },
  drop_confirm_pay: { zh: '支付定金 {d}（不可退）', en: 'Pay {d} (non-refundable)' },
  drop_at_limit: {
    zh: '您已达到每个账户限购 {a} 件的上限',
    en: 'You have reached this drop\'s limit of {a} per account',
  },
  drop_at_limit_car: {
    zh: '您已达到每个账户限购 {a} 辆的上限',
    en: 'You have reached this drop\'s limit of {a} per account',
  },
  drop_join: { zh: '加入候补 {v}', en: 'Join the waitlist for {v}' },
  // What was bought, counted: "Bought: M" / "Bought: 2 × M"; a car's deposit.
  drop_bought_one: { zh: '购买成功：{v}，{n} 件', en: 'Bought: {v}' },
  drop_bought_other: { zh: '购买成功：{v}，{n} 件', en: 'Bought: {n} × {v}' },
  drop_bought_car_one: { zh: '已支付定金：{v}，{n} 辆', en: 'Deposit paid: one {v} car' },
  drop_bought_car_other: { zh: '已支付定金：{v}，{n} 辆', en: 'Deposit paid: {n} {v} cars' },
  drop_held_below: {
    zh: '已为您保留一件，请在下方付款（计入每人限购 {a} 件）。',
    en: 'A unit is held for you: pay for it below (it counts toward the limit of {a} per account).',
  },
  drop_held_below_car: {
    zh: '已为您保留一辆，请在下方支付定金（计入每人限购 {a} 辆）。',
    en: 'A car is held for you: pay its deposit below (it counts toward the limit of {a} per '
      + 'account).',
  },
  drop_in_line: { zh: '候补 {v}：前面还有 {n} 人', en: 'Waitlist for {v}: {n} ahead of you' },
  drop_line_closed: {
    zh: '候补 {v}：已全部售出，候补已结束；若有已售订单被取消退回，将按原顺序先为您保留',
    en: 'Waitlist for {v}: every unit is sold, so the wait is over; if a cancelled sale puts '
      + 'one back, it is offered here first, in your original order',
  },
  drop_offered: {
    zh: '{v} 有一件退回，已为您保留至 {t}',
    en: '{v}: one came back for you and is held for you until {t}',
  },
  drop_offered_car: {
    zh: '有一辆 {v} 退回，已为您保留至 {t}',
    en: 'A {v} car came back for you: it is held for you until {t}',
  },
  // {s}: the time left as m:ss (format.js minutesSeconds).
  drop_offer_left: { zh: '（还剩 {s}）', en: '({s} left)' },
  drop_pay_offer: { zh: '付款 {p} 购买 {v}', en: 'Pay {p} for {v}' },
  drop_pay_offer_car: { zh: '支付定金 {d} 购买 {v}', en: 'Pay the {d} deposit for {v}' },
  drop_decline_offer: { zh: '放弃', en: 'Decline' },
  drop_declined: {
    zh: '您已放弃 {v}：它已转给候补中的下一位（没有人候补时重新开售）。',
    en: 'You declined it ({v}): it goes to the next in line at once (or back on sale if '
      + 'nobody waits).',
  },
  drop_declined_car: {
    zh: '您已放弃 {v}：它已转给候补中的下一位（没有人候补时重新开售）。',
    en: 'You declined the {v} car: it goes to the next in line at once (or back on sale if '
      + 'nobody waits).',
  },
  drop_mine: { zh: '我的购买与候补', en: 'My purchases and waitlist' },
  drops_title: { zh: '限量发售', en: 'Drops' },
  drops_see_all: { zh: '查看所有限量发售', en: 'See all drops' },
  drops_none: { zh: '目前没有限量发售。', en: 'There are no drops at the moment.' },
  drops_opened_at: { zh: '{t} 开售', en: 'On sale since {t}' },
  drops_opened_paren: { zh: '（{t} 开售）', en: '(opened {t})' },
  drop_as_of: { zh: '数据更新于 {t}', en: 'Figures as of {t}' },
};

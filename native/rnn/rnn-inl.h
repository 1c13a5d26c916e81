// Vanilla RNN over a sequence, forward and backward (shapes and semantics in rnn/recurrent.h):
//   h' = act(W_ih x + b_ih + W_hh h + b_hh),  act = tanh or relu
// Compiled once per ISA (see kernels/kernels_<isa>.cc), inside that ISA's namespace, after simd/vec-inl.h.

inline VecF rnn_activate(Activation act, VecF a) {
  return act == Activation::tanh ? vtanh(a) : relu(a);
}

// d act(a) / da, from the output h = act(a): 1 - h^2 for tanh, 1 where h > 0 for relu.
inline VecF rnn_activation_slope(Activation act, VecF h) {
  return act == Activation::tanh ? 1.0f - h * h : (h > 0.0f ? splat(1.0f) : splat(0.0f));
}

// One step, rows [rows.begin, rows.end): a (B, H) pre-activations; h_prev (B, H); h (B, H) and y (B, H) out.
inline void rnn_step_forward(const Dims& d, Rows rows, Activation act, int64_t t, const int32_t* lengths,
                             const float* a, const float* h_prev, float* h, float* y) {
  for (int64_t b = rows.begin; b < rows.end; ++b) {
    const int64_t o = b * d.H;
    if (!active(lengths, b, t)) {  // finished: carry the state, output 0
      std::memcpy(h + o, h_prev + o, sizeof(float) * d.H);
      std::memset(y + o, 0, sizeof(float) * d.H);
      continue;
    }
    for_each_lanes(d.H, [&](int64_t j, auto l) {
      const VecF hn = rnn_activate(act, l.load(a + o + j));
      l.store(h + o + j, hn);
      l.store(y + o + j, hn);
    });
  }
}

// One step back, rows [rows.begin, rows.end): h (B, H) the state after step t; dy (B, H) or null; dh (B, H) dL/dh_t
// through later steps. Out: da (B, H) the pre-activation gradient; dh_prev (B, H) the part of dL/dh_{t-1} that does not
// go through W_hh (0 for a running example, dh for a finished one, whose state was carried).
inline void rnn_step_backward(const Dims& d, Rows rows, Activation act, int64_t t, const int32_t* lengths,
                              const float* h, const float* dy, const float* dh, float* da, float* dh_prev) {
  for (int64_t b = rows.begin; b < rows.end; ++b) {
    const int64_t o = b * d.H;
    if (!active(lengths, b, t)) {
      std::memset(da + o, 0, sizeof(float) * d.H);
      std::memcpy(dh_prev + o, dh + o, sizeof(float) * d.H);
      continue;
    }
    for_each_lanes(d.H, [&](int64_t j, auto l) {
      const VecF g = l.load(dh + o + j) + (dy ? l.load(dy + o + j) : splat(0.0f));
      l.store(da + o + j, g * rnn_activation_slope(act, l.load(h + o + j)));
      l.store(dh_prev + o + j, splat(0.0f));
    });
  }
}

inline void rnn_forward(const Job& job, const RnnForward& a) {
  const Dims& d = a.d;
  const int64_t BH = d.B * d.H;
  std::unique_ptr<float[]> pre(new float[d.T * BH]);  // pre-activations of every step
  fill_rows(pre.get(), d.T * d.B, d.H, a.b_ih, a.b_hh);
  project_inputs(job, d, d.H, a.x, a.w_ih, pre.get(), 1.0f);
  copy_or_zero(a.h0, d.B * d.H, a.h);
  const PackedMatrix w_hh(*job.sgemm, /*trans=*/true, a.w_hh, d.H, d.H, d.H);  // W_hh^T, H x H
  for (int64_t t = 0; t < d.T; ++t) {
    float* at = pre.get() + t * BH;
    sgemm_packed(*job.pool, false, d.B, 1.0f, a.h + t * BH, d.H, w_hh, 1.0f, at, d.H);
    for_rows(job, d.B, d.H, [&](Rows rows) {
      rnn_step_forward(d, rows, a.act, t, a.lengths, at, a.h + t * BH, a.h + (t + 1) * BH, a.y + t * BH);
    });
  }
  std::memcpy(a.h_n, a.h + d.T * BH, sizeof(float) * BH);
}

inline void rnn_backward(const Job& job, const RnnBackward& a) {
  const Dims& d = a.d;
  const int64_t BH = d.B * d.H;
  std::unique_ptr<float[]> da(new float[d.T * BH]);
  std::unique_ptr<float[]> dh(new float[2 * BH]);
  float* dh_t = dh.get();
  float* dh_prev = dh.get() + BH;
  copy_or_zero(a.dh_n, d.B * d.H, dh_t);
  const PackedMatrix w_hh(*job.sgemm, /*trans=*/false, a.w_hh, d.H, d.H, d.H);  // W_hh, H x H
  ColumnSums db(d.H);  // both biases simply add, so they share one gradient
  for (int64_t t = d.T - 1; t >= 0; --t) {
    float* dat = da.get() + t * BH;
    record_state_gradient_norm(a, t, dh_t);
    for_rows(job, d.B, d.H, [&](Rows rows) {
      rnn_step_backward(d, rows, a.act, t, a.lengths, a.h + (t + 1) * BH, a.dy ? a.dy + t * BH : nullptr, dh_t, dat,
                        dh_prev);
    });
    db.add(dat, d.B, d.H);
    sgemm_packed(*job.pool, false, d.B, 1.0f, dat, d.H, w_hh, 1.0f, dh_prev, d.H);
    std::swap(dh_t, dh_prev);
  }
  std::memcpy(a.dh0, dh_t, sizeof(float) * BH);
  db.add_to(a.db_ih);
  db.add_to(a.db_hh);
  input_side_gradients(job, d, d.H, da.get(), a.x, a.w_ih, a.dx, a.dw_ih);
  hidden_side_gradients(job, d, d.H, da.get(), d.H, a.h, a.dw_hh);
}

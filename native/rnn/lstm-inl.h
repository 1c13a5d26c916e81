// LSTM over a sequence, forward and backward (shapes and semantics in rnn/recurrent.h), PyTorch's gate order:
//   i = sigmoid(a_i)  f = sigmoid(a_f)  g = tanh(a_g)  o = sigmoid(a_o),  a = W_ih x + b_ih + W_hh h + b_hh
//   c' = f * c + i * g,  h' = o * tanh(c')
// Compiled once per ISA (see kernels/kernels_<isa>.cc), inside that ISA's namespace, after simd/vec-inl.h.

// One step, rows [rows.begin, rows.end): xg (B, 4H) the input projection W_ih x of this step; hg (B, 4H) the recurrent
// one, W_hh h_prev; bias (4H) = b_ih + b_hh; c_prev, h_prev (B, H) the states before. Out: gates (B, 4H) the
// activations i, f, g, o (xg and gates may be the same buffer); c, h, y (B, H). A finished example carries its states,
// outputs 0 and gets zero gates.
inline void lstm_step_forward(const Dims& d, Rows rows, int64_t t, const int32_t* lengths, const float* xg,
                              const float* hg, const float* bias, const float* c_prev, const float* h_prev,
                              float* gates, float* c, float* h, float* y) {
  const int64_t H = d.H;
  for (int64_t b = rows.begin; b < rows.end; ++b) {
    const int64_t o = b * H;
    const float* x4 = xg + 4 * o;
    const float* h4 = hg + 4 * o;
    float* g = gates + 4 * o;
    if (!active(lengths, b, t)) {
      std::memcpy(c + o, c_prev + o, sizeof(float) * H);
      std::memcpy(h + o, h_prev + o, sizeof(float) * H);
      std::memset(y + o, 0, sizeof(float) * H);
      std::memset(g, 0, sizeof(float) * 4 * H);
      continue;
    }
    for_each_lanes(H, [&](int64_t j, auto l) {
      const auto pre = [&](int64_t gate) {
        const int64_t k = gate * H + j;
        return l.load(x4 + k) + l.load(h4 + k) + l.load(bias + k);
      };
      const VecF i = sigmoid(pre(0)), f = sigmoid(pre(1)), gg = vtanh(pre(2)), og = sigmoid(pre(3));
      const VecF cn = f * l.load(c_prev + o + j) + i * gg;
      const VecF hn = og * vtanh(cn);
      l.store(g + j, i);
      l.store(g + H + j, f);
      l.store(g + 2 * H + j, gg);
      l.store(g + 3 * H + j, og);
      l.store(c + o + j, cn);
      l.store(h + o + j, hn);
      l.store(y + o + j, hn);
    });
  }
}

// One step back, rows [rows.begin, rows.end): gates (B, 4H) the activations of step t; c, c_prev (B, H) the cell state
// after and before it; dy (B, H) or null; dh (B, H) dL/dh_t through later steps. dc (B, H) comes in as dL/dc_t and goes
// out as dL/dc_{t-1}. Out: dg (B, 4H) the pre-activation gradients; dh_prev (B, H) the part of dL/dh_{t-1} that does
// not go through W_hh (0 for a running example, dh for a finished one).
inline void lstm_step_backward(const Dims& d, Rows rows, int64_t t, const int32_t* lengths, const float* gates,
                               const float* c, const float* c_prev, const float* dy, const float* dh, float* dc,
                               float* dg, float* dh_prev) {
  const int64_t H = d.H;
  for (int64_t b = rows.begin; b < rows.end; ++b) {
    const int64_t o = b * H;
    const float* g = gates + 4 * o;
    float* dgb = dg + 4 * o;
    if (!active(lengths, b, t)) {  // dc passes through unchanged
      std::memset(dgb, 0, sizeof(float) * 4 * H);
      std::memcpy(dh_prev + o, dh + o, sizeof(float) * H);
      continue;
    }
    for_each_lanes(H, [&](int64_t j, auto l) {
      const VecF i = l.load(g + j), f = l.load(g + H + j), gg = l.load(g + 2 * H + j), og = l.load(g + 3 * H + j);
      const VecF tc = vtanh(l.load(c + o + j));
      const VecF dht = l.load(dh + o + j) + (dy ? l.load(dy + o + j) : splat(0.0f));
      const VecF dct = l.load(dc + o + j) + dht * og * (1.0f - tc * tc);
      l.store(dgb + j, dct * gg * i * (1.0f - i));
      l.store(dgb + H + j, dct * l.load(c_prev + o + j) * f * (1.0f - f));
      l.store(dgb + 2 * H + j, dct * i * (1.0f - gg * gg));
      l.store(dgb + 3 * H + j, dht * tc * og * (1.0f - og));
      l.store(dc + o + j, dct * f);
      l.store(dh_prev + o + j, splat(0.0f));
    });
  }
}

inline void lstm_forward(const Job& job, const LstmForward& a) {
  const Dims& d = a.d;
  const int64_t G = 4 * d.H, BH = d.B * d.H;
  // The input projections of all steps go straight into the saved gates buffer, and each step's activations
  // overwrite its own projection. The recurrent product goes to a small buffer that stays in cache.
  project_inputs(job, d, G, a.x, a.w_ih, a.gates, /*beta=*/0.0f);
  std::unique_ptr<float[]> bias(new float[G]);
  fill_rows(bias.get(), 1, G, a.b_ih, a.b_hh);
  std::unique_ptr<float[]> hg(new float[d.B * G]);
  copy_or_zero(a.h0, d.B * d.H, a.h);
  copy_or_zero(a.c0, d.B * d.H, a.c);
  const PackedMatrix w_hh(*job.sgemm, /*trans=*/true, a.w_hh, d.H, d.H, G);  // W_hh^T, H x 4H
  for (int64_t t = 0; t < d.T; ++t) {
    float* gt = a.gates + t * d.B * G;
    sgemm_packed(*job.pool, false, d.B, 1.0f, a.h + t * BH, d.H, w_hh, 0.0f, hg.get(), G);
    for_rows(job, d.B, G, [&](Rows rows) {
      lstm_step_forward(d, rows, t, a.lengths, gt, hg.get(), bias.get(), a.c + t * BH, a.h + t * BH, gt,
                        a.c + (t + 1) * BH, a.h + (t + 1) * BH, a.y + t * BH);
    });
  }
  std::memcpy(a.h_n, a.h + d.T * BH, sizeof(float) * BH);
  std::memcpy(a.c_n, a.c + d.T * BH, sizeof(float) * BH);
}

inline void lstm_backward(const Job& job, const LstmBackward& a) {
  const Dims& d = a.d;
  const int64_t G = 4 * d.H, BH = d.B * d.H;
  std::unique_ptr<float[]> dg(new float[d.T * d.B * G]);  // pre-activation gradients of every step
  std::unique_ptr<float[]> state(new float[3 * BH]);
  float* dh_t = state.get();
  float* dh_prev = state.get() + BH;
  float* dc = state.get() + 2 * BH;
  copy_or_zero(a.dh_n, d.B * d.H, dh_t);
  copy_or_zero(a.dc_n, d.B * d.H, dc);
  const PackedMatrix w_hh(*job.sgemm, /*trans=*/false, a.w_hh, d.H, G, d.H);  // W_hh, 4H x H
  ColumnSums db(G);  // both biases simply add, so they share one gradient
  for (int64_t t = d.T - 1; t >= 0; --t) {
    float* dgt = dg.get() + t * d.B * G;
    record_state_gradient_norm(a, t, dh_t);
    for_rows(job, d.B, G, [&](Rows rows) {
      lstm_step_backward(d, rows, t, a.lengths, a.gates + t * d.B * G, a.c + (t + 1) * BH, a.c + t * BH,
                         a.dy ? a.dy + t * BH : nullptr, dh_t, dc, dgt, dh_prev);
    });
    db.add(dgt, d.B, G);
    sgemm_packed(*job.pool, false, d.B, 1.0f, dgt, G, w_hh, 1.0f, dh_prev, d.H);
    std::swap(dh_t, dh_prev);
  }
  std::memcpy(a.dh0, dh_t, sizeof(float) * BH);
  std::memcpy(a.dc0, dc, sizeof(float) * BH);
  db.add_to(a.db_ih);
  db.add_to(a.db_hh);
  input_side_gradients(job, d, G, dg.get(), a.x, a.w_ih, a.dx, a.dw_ih);
  hidden_side_gradients(job, d, G, dg.get(), G, a.h, a.dw_hh);
}

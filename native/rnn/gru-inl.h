// GRU over a sequence, forward and backward (shapes and semantics in rnn/recurrent.h), PyTorch's gate order r, z, n:
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr),  z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//   reset_after:  n = tanh(W_in x + b_in + r * (W_hn h + b_hn))     (PyTorch; Keras' default)
//   reset before: n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)     (Keras reset_after=False)
//   h' = (1 - z) * n + z * h
// Compiled once per ISA (see kernels/kernels_<isa>.cc), inside that ISA's namespace, after simd/vec-inl.h.
//
// Buffers per step, rows [rows.begin, rows.end) (names as in GruForward/GruBackward):
//   gates (B, 3H)  the input-side pre-activations (W_i x + biases) coming in, the activations r, z, n going out
//   hg    (B, 3H)  reset_after: W_hh h (no bias) for all three gates
//         (B, 2H) and (B, H) when reset before: W_hr,z h, and then W_hn (r * h)
//   hn    (B, H)   saved: W_hn h + b_hn (reset_after), or r * h (reset before)

// reset_after, one step: everything is known once hg = W_hh h_prev is.
inline void gru_step_forward_after(const Dims& d, Rows rows, int64_t t, const int32_t* lengths, float* gates,
                                   const float* hg, const float* b_hn, const float* h_prev, float* hn, float* h,
                                   float* y) {
  const int64_t H = d.H;
  for (int64_t b = rows.begin; b < rows.end; ++b) {
    const int64_t o = b * H;
    float* g = gates + 3 * o;
    const float* hgb = hg + 3 * o;
    if (!active(lengths, b, t)) {
      std::memcpy(h + o, h_prev + o, sizeof(float) * H);
      std::memset(y + o, 0, sizeof(float) * H);
      std::memset(g, 0, sizeof(float) * 3 * H);
      std::memset(hn + o, 0, sizeof(float) * H);
      continue;
    }
    for_each_lanes(H, [&](int64_t j, auto l) {
      const VecF r = sigmoid(l.load(g + j) + l.load(hgb + j));
      const VecF z = sigmoid(l.load(g + H + j) + l.load(hgb + H + j));
      const VecF hnj = l.load(hgb + 2 * H + j) + l.load(b_hn + j);
      const VecF n = vtanh(l.load(g + 2 * H + j) + r * hnj);
      const VecF hp = l.load(h_prev + o + j);
      const VecF hj = n + z * (hp - n);
      l.store(g + j, r);
      l.store(g + H + j, z);
      l.store(g + 2 * H + j, n);
      l.store(hn + o + j, hnj);
      l.store(h + o + j, hj);
      l.store(y + o + j, hj);
    });
  }
}

// reset before, first half of a step: r and z from hg = W_hr,z h_prev (B, 2H), and rh = r * h_prev (B, H).
inline void gru_step_forward_rz(const Dims& d, Rows rows, int64_t t, const int32_t* lengths, float* gates,
                                const float* hg, const float* h_prev, float* rh) {
  const int64_t H = d.H;
  for (int64_t b = rows.begin; b < rows.end; ++b) {
    const int64_t o = b * H;
    float* g = gates + 3 * o;
    if (!active(lengths, b, t)) {
      std::memset(rh + o, 0, sizeof(float) * H);
      continue;
    }
    for_each_lanes(H, [&](int64_t j, auto l) {
      const VecF r = sigmoid(l.load(g + j) + l.load(hg + 2 * o + j));
      const VecF z = sigmoid(l.load(g + H + j) + l.load(hg + 2 * o + H + j));
      l.store(g + j, r);
      l.store(g + H + j, z);
      l.store(rh + o + j, r * l.load(h_prev + o + j));
    });
  }
}

// reset before, second half: n from hg = W_hn (r * h_prev) (B, H), and the new state.
inline void gru_step_forward_n(const Dims& d, Rows rows, int64_t t, const int32_t* lengths, float* gates,
                               const float* hg, const float* h_prev, float* h, float* y) {
  const int64_t H = d.H;
  for (int64_t b = rows.begin; b < rows.end; ++b) {
    const int64_t o = b * H;
    float* g = gates + 3 * o;
    if (!active(lengths, b, t)) {
      std::memcpy(h + o, h_prev + o, sizeof(float) * H);
      std::memset(y + o, 0, sizeof(float) * H);
      std::memset(g, 0, sizeof(float) * 3 * H);
      continue;
    }
    for_each_lanes(H, [&](int64_t j, auto l) {
      const VecF n = vtanh(l.load(g + 2 * H + j) + l.load(hg + o + j));
      const VecF z = l.load(g + H + j);
      const VecF hp = l.load(h_prev + o + j);
      const VecF hj = n + z * (hp - n);
      l.store(g + 2 * H + j, n);
      l.store(h + o + j, hj);
      l.store(y + o + j, hj);
    });
  }
}

// reset_after, one step back. In: gates (B, 3H), hn (B, H), h_prev (B, H) of step t; dy (B, H) or null; dh (B, H)
// dL/dh_t through later steps. Out: dgi (B, 3H) the input-side pre-activation gradients, dgh (B, 3H) the
// hidden-side ones (they differ on n: the hidden part was scaled by r), dh_prev (B, H) the part of dL/dh_{t-1} that
// does not go through W_hh (dh * z, or dh for a finished example).
inline void gru_step_backward_after(const Dims& d, Rows rows, int64_t t, const int32_t* lengths, const float* gates,
                                    const float* hn, const float* h_prev, const float* dy, const float* dh, float* dgi,
                                    float* dgh, float* dh_prev) {
  const int64_t H = d.H;
  for (int64_t b = rows.begin; b < rows.end; ++b) {
    const int64_t o = b * H;
    const float* g = gates + 3 * o;
    if (!active(lengths, b, t)) {
      std::memset(dgi + 3 * o, 0, sizeof(float) * 3 * H);
      std::memset(dgh + 3 * o, 0, sizeof(float) * 3 * H);
      std::memcpy(dh_prev + o, dh + o, sizeof(float) * H);
      continue;
    }
    for_each_lanes(H, [&](int64_t j, auto l) {
      const VecF r = l.load(g + j), z = l.load(g + H + j), n = l.load(g + 2 * H + j);
      const VecF dht = l.load(dh + o + j) + (dy ? l.load(dy + o + j) : splat(0.0f));
      const VecF da_n = dht * (1.0f - z) * (1.0f - n * n);
      const VecF da_z = dht * (l.load(h_prev + o + j) - n) * z * (1.0f - z);
      const VecF da_r = da_n * l.load(hn + o + j) * r * (1.0f - r);
      l.store(dgi + 3 * o + j, da_r);
      l.store(dgi + 3 * o + H + j, da_z);
      l.store(dgi + 3 * o + 2 * H + j, da_n);
      l.store(dgh + 3 * o + j, da_r);
      l.store(dgh + 3 * o + H + j, da_z);
      l.store(dgh + 3 * o + 2 * H + j, da_n * r);
      l.store(dh_prev + o + j, dht * z);
    });
  }
}

// reset before, first half of a step back: everything but r. Out: dgi's z and n parts (B, 3H; r comes in the second
// half), dht (B, H) = dL/dh_t in total, dh_prev (B, H) = dht * z (or dh for a finished example).
inline void gru_step_backward_zn(const Dims& d, Rows rows, int64_t t, const int32_t* lengths, const float* gates,
                                 const float* h_prev, const float* dy, const float* dh, float* dgi, float* dh_prev) {
  const int64_t H = d.H;
  for (int64_t b = rows.begin; b < rows.end; ++b) {
    const int64_t o = b * H;
    const float* g = gates + 3 * o;
    if (!active(lengths, b, t)) {
      std::memset(dgi + 3 * o, 0, sizeof(float) * 3 * H);
      std::memcpy(dh_prev + o, dh + o, sizeof(float) * H);
      continue;
    }
    for_each_lanes(H, [&](int64_t j, auto l) {
      const VecF z = l.load(g + H + j), n = l.load(g + 2 * H + j);
      const VecF dht = l.load(dh + o + j) + (dy ? l.load(dy + o + j) : splat(0.0f));
      l.store(dgi + 3 * o + H + j, dht * (l.load(h_prev + o + j) - n) * z * (1.0f - z));
      l.store(dgi + 3 * o + 2 * H + j, dht * (1.0f - z) * (1.0f - n * n));
      l.store(dh_prev + o + j, dht * z);
    });
  }
}

// reset before, second half: d_rh (B, H) = dL/d(r * h_prev) = da_n W_hn. Out: dgi's r part, and dh_prev += d_rh * r.
inline void gru_step_backward_r(const Dims& d, Rows rows, int64_t t, const int32_t* lengths, const float* gates,
                                const float* h_prev, const float* d_rh, float* dgi, float* dh_prev) {
  const int64_t H = d.H;
  for (int64_t b = rows.begin; b < rows.end; ++b) {
    const int64_t o = b * H;
    if (!active(lengths, b, t)) continue;  // its dgi row is already zero
    for_each_lanes(H, [&](int64_t j, auto l) {
      const VecF r = l.load(gates + 3 * o + j);
      const VecF drh = l.load(d_rh + o + j);
      l.store(dgi + 3 * o + j, drh * l.load(h_prev + o + j) * r * (1.0f - r));
      l.store(dh_prev + o + j, l.load(dh_prev + o + j) + drh * r);
    });
  }
}

inline void gru_forward(const Job& job, const GruForward& a) {
  const Dims& d = a.d;
  const int64_t H = d.H, G = 3 * H, BH = d.B * H;
  // Input-side pre-activations of every step, with the biases that simply add: all of b_ih, and b_hh except b_hn
  // when it sits inside r * (...).
  std::unique_ptr<float[]> bias(new float[G]);
  for (int64_t j = 0; j < G; ++j) bias[j] = a.b_ih[j] + (a.reset_after && j >= 2 * H ? 0.0f : a.b_hh[j]);
  fill_rows(a.gates, d.T * d.B, G, bias.get(), nullptr);
  project_inputs(job, d, G, a.x, a.w_ih, a.gates, 1.0f);
  copy_or_zero(a.h0, d.B * H, a.h);
  std::unique_ptr<float[]> hg(new float[d.B * G]);

  if (a.reset_after) {
    const PackedMatrix w_hh(*job.sgemm, /*trans=*/true, a.w_hh, H, H, G);  // W_hh^T, H x 3H
    for (int64_t t = 0; t < d.T; ++t) {
      sgemm_packed(*job.pool, false, d.B, 1.0f, a.h + t * BH, H, w_hh, 0.0f, hg.get(), G);
      for_rows(job, d.B, G, [&](Rows rows) {
        gru_step_forward_after(d, rows, t, a.lengths, a.gates + t * d.B * G, hg.get(), a.b_hh + 2 * H, a.h + t * BH,
                               a.hn + t * BH, a.h + (t + 1) * BH, a.y + t * BH);
      });
    }
  } else {
    const PackedMatrix w_hrz(*job.sgemm, /*trans=*/true, a.w_hh, H, H, 2 * H);         // W_hr,z^T, H x 2H
    const PackedMatrix w_hn(*job.sgemm, /*trans=*/true, a.w_hh + 2 * H * H, H, H, H);  // W_hn^T, H x H
    for (int64_t t = 0; t < d.T; ++t) {
      float* gt = a.gates + t * d.B * G;
      float* rh = a.hn + t * BH;
      sgemm_packed(*job.pool, false, d.B, 1.0f, a.h + t * BH, H, w_hrz, 0.0f, hg.get(), 2 * H);
      for_rows(job, d.B, 2 * H,
               [&](Rows rows) { gru_step_forward_rz(d, rows, t, a.lengths, gt, hg.get(), a.h + t * BH, rh); });
      sgemm_packed(*job.pool, false, d.B, 1.0f, rh, H, w_hn, 0.0f, hg.get(), H);
      for_rows(job, d.B, H, [&](Rows rows) {
        gru_step_forward_n(d, rows, t, a.lengths, gt, hg.get(), a.h + t * BH, a.h + (t + 1) * BH, a.y + t * BH);
      });
    }
  }
  std::memcpy(a.h_n, a.h + d.T * BH, sizeof(float) * BH);
}

inline void gru_backward(const Job& job, const GruBackward& a) {
  const Dims& d = a.d;
  const int64_t H = d.H, G = 3 * H, BH = d.B * H, TBG = d.T * d.B * G;
  std::unique_ptr<float[]> dgi(new float[TBG]);  // input-side pre-activation gradients of every step
  std::unique_ptr<float[]> state(new float[3 * BH]);
  float* dh_t = state.get();
  float* dh_prev = state.get() + BH;
  float* scratch = state.get() + 2 * BH;
  copy_or_zero(a.dh_n, d.B * H, dh_t);

  if (a.reset_after) {
    std::unique_ptr<float[]> dgh(new float[TBG]);                           // hidden-side ones
    const PackedMatrix w_hh(*job.sgemm, /*trans=*/false, a.w_hh, H, G, H);  // W_hh, 3H x H
    ColumnSums db_ih(G), db_hh(G);  // they differ on n, where the hidden side was scaled by r
    for (int64_t t = d.T - 1; t >= 0; --t) {
      const int64_t at = t * d.B * G;
      record_state_gradient_norm(a, t, dh_t);
      for_rows(job, d.B, G, [&](Rows rows) {
        gru_step_backward_after(d, rows, t, a.lengths, a.gates + at, a.hn + t * BH, a.h + t * BH,
                                a.dy ? a.dy + t * BH : nullptr, dh_t, dgi.get() + at, dgh.get() + at, dh_prev);
      });
      db_ih.add(dgi.get() + at, d.B, G);
      db_hh.add(dgh.get() + at, d.B, G);
      sgemm_packed(*job.pool, false, d.B, 1.0f, dgh.get() + at, G, w_hh, 1.0f, dh_prev, H);
      std::swap(dh_t, dh_prev);
    }
    db_ih.add_to(a.db_ih);
    db_hh.add_to(a.db_hh);
    hidden_side_gradients(job, d, G, dgh.get(), G, a.h, a.dw_hh);
  } else {
    const PackedMatrix w_hrz(*job.sgemm, /*trans=*/false, a.w_hh, H, 2 * H, H);         // W_hr,z, 2H x H
    const PackedMatrix w_hn(*job.sgemm, /*trans=*/false, a.w_hh + 2 * H * H, H, H, H);  // W_hn, H x H
    ColumnSums db(G);  // every bias simply adds here, so both share one gradient
    for (int64_t t = d.T - 1; t >= 0; --t) {
      const int64_t at = t * d.B * G;
      float* dgt = dgi.get() + at;
      record_state_gradient_norm(a, t, dh_t);
      for_rows(job, d.B, 2 * H, [&](Rows rows) {
        gru_step_backward_zn(d, rows, t, a.lengths, a.gates + at, a.h + t * BH, a.dy ? a.dy + t * BH : nullptr, dh_t,
                             dgt, dh_prev);
      });
      sgemm_packed(*job.pool, false, d.B, 1.0f, dgt + 2 * H, G, w_hn, 0.0f, scratch, H);  // d(r*h) = da_n W_hn
      for_rows(job, d.B, H, [&](Rows rows) {
        gru_step_backward_r(d, rows, t, a.lengths, a.gates + at, a.h + t * BH, scratch, dgt, dh_prev);
      });
      sgemm_packed(*job.pool, false, d.B, 1.0f, dgt, G, w_hrz, 1.0f, dh_prev, H);  // += da_r,z W_hr,z
      db.add(dgt, d.B, G);
      std::swap(dh_t, dh_prev);
    }
    db.add_to(a.db_ih);
    db.add_to(a.db_hh);
    // W_hr,z multiplied h; W_hn multiplied r * h (saved in hn).
    hidden_side_gradients(job, d, 2 * H, dgi.get(), G, a.h, a.dw_hh);
    hidden_side_gradients(job, d, H, dgi.get() + 2 * H, G, a.hn, a.dw_hh + 2 * H * H);
  }
  std::memcpy(a.dh0, dh_t, sizeof(float) * BH);
  input_side_gradients(job, d, G, dgi.get(), a.x, a.w_ih, a.dx, a.dw_ih);
}

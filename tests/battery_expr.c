/* SPDX-License-Identifier: MIT */
/*
 * The battery's integrands in simdquad's expression language, for the
 * benchmarks' third column (the integrand as a compiled expression, run by
 * the vector machine). test_battery checks each against its C function
 * (battery_fns.h) at points across its problems' ranges.
 */
#include "battery.h"

/* One of hv_peaks' twenty Lorentzians, at k / 21. */
#define PEAK(k) "1/(1e-4 + (x - " #k "/21)^2)"

const char *const battery_expr[BATTERY_FN_COUNT] = {
    [BATTERY_FN_gg01] = "exp(x)",
    [BATTERY_FN_gg02] = "where(x >= 0.3, 1, 0)",
    [BATTERY_FN_gg03] = "sqrt(x)",
    [BATTERY_FN_gg04] = "23/25*cosh(x) - cos(x)",
    [BATTERY_FN_gg05] = "1/(x*x*x*x + x*x + 0.9)",
    [BATTERY_FN_gg06] = "sqrt(x*x*x)",
    [BATTERY_FN_gg07] = "1/sqrt(x)",
    [BATTERY_FN_gg08] = "1/(1 + x*x*x*x)",
    [BATTERY_FN_gg09] = "2/(2 + sin(10*pi*x))",
    [BATTERY_FN_gg10] = "1/(1 + x)",
    [BATTERY_FN_gg11] = "1/(1 + exp(x))",
    [BATTERY_FN_gg12] = "x/expm1(x)",
    [BATTERY_FN_gg13] = "sin(100*pi*x)/(pi*x)",
    [BATTERY_FN_gg14] = "sqrt(50)*exp(-50*pi*x*x)",
    [BATTERY_FN_gg15] = "25*exp(-25*x)",
    [BATTERY_FN_gg16] = "50/(pi*(2500*x*x + 1))",
    [BATTERY_FN_gg17] = "50*(sin(50*pi*x)/(50*pi*x))^2",
    [BATTERY_FN_gg18] = "cos(cos(x) + 3*sin(x) + 2*cos(2*x) + 3*sin(2*x) + 3*cos(3*x))",
    [BATTERY_FN_gg19] = "log(x)",
    [BATTERY_FN_gg20] = "1/(x*x + 1.005)",
    [BATTERY_FN_gg21] = "1/cosh(20*(x - 0.2)) + 1/cosh(400*(x - 0.4)) + 1/cosh(8000*(x - 0.6))",
    [BATTERY_FN_gg22] = "4*pi*pi*x*sin(20*pi*x)*cos(2*pi*x)",
    [BATTERY_FN_gg23] = "1/(1 + (230*x - 30)^2)",
    [BATTERY_FN_gg24] = "floor(exp(x))",
    [BATTERY_FN_gg25] = "where(x < 1, x + 1, where(x <= 3, 3 - x, 2))",
    [BATTERY_FN_qp_f1a] = "x^2.6*log(1/x)",
    [BATTERY_FN_qp_f1b] = "x^(-0.9)*log(1/x)",
    [BATTERY_FN_qp_f3] = "cos(2.4622888266898326*sin(x))",
    [BATTERY_FN_qp_f11] = "log(1/x)",
    [BATTERY_FN_qp_f15] = "x*x*exp(-x/32)",
    [BATTERY_FN_qp_f16] = "1/((1 + 10*x)*(1 + 10*x))",
    [BATTERY_FN_qp_f454] = "x*x*x*log(abs((x*x - 1)*(x*x - 2)))",
    [BATTERY_FN_qp_f455] = "log(x)/(1 + 100*x*x)",
    [BATTERY_FN_gz_osc] = "cos(2*pi*0.3 + 10*x)",
    [BATTERY_FN_gz_prod] = "1/(1/400 + (x - 0.37)^2)",
    [BATTERY_FN_gz_corner] = "1/((1 + 5*x)*(1 + 5*x))",
    [BATTERY_FN_gz_gauss] = "exp(-225*(x - 0.6)^2)",
    [BATTERY_FN_gz_cont] = "exp(-9*abs(x - 0.42))",
    [BATTERY_FN_gz_disc] = "where(x > 0.5, 0, exp(4*x))",
    [BATTERY_FN_inf_gauss] = "exp(-x*x)",
    [BATTERY_FN_inf_lorentz] = "1/(1 + x*x)",
    [BATTERY_FN_inf_exp] = "exp(-x)",
    [BATTERY_FN_inf_inv2] = "1/(x*x)",
    [BATTERY_FN_inf_sing] = "1/((1 + x)*sqrt(x))",
    [BATTERY_FN_inf_damped] = "exp(-x)*cos(x)",
    [BATTERY_FN_inf_quartic] = "1/(1 + x*x*x*x)",
    [BATTERY_FN_inf_normal] = "exp(-0.5*x*x)*0.39894228040143267794",
    [BATTERY_FN_inf_xexp] = "x*exp(-x)",
    [BATTERY_FN_osc_xsin] = "x*sin(50*x)",
    [BATTERY_FN_osc_sinc] = "sin(x)/x",
    [BATTERY_FN_osc_cos100] = "cos(100*x)",
    [BATTERY_FN_pk_lorentz] = "1/(1e-4 + (x - 0.3)^2)",
    [BATTERY_FN_pk_gauss] = "exp(-1000*(x - 0.25)^2)",
    [BATTERY_FN_pk_sech2] = "1/cosh(100*(x - 0.5))^2",
    [BATTERY_FN_sg_logsqrt] = "log(x)/sqrt(x)",
    [BATTERY_FN_sg_x09] = "x^(-0.9)",
    [BATTERY_FN_sg_log2] = "log(x)^2",
    [BATTERY_FN_sg_xlog] = "x*log(x)",
    [BATTERY_FN_sg_arcsine] = "1/sqrt((1 - x)*(1 + x))",
    [BATTERY_FN_sg_semicircle] = "sqrt((1 - x)*(1 + x))",
    [BATTERY_FN_sg_inner_sqrt] = "1/sqrt(abs(x - 1/3))",
    [BATTERY_FN_sg_inner_log] = "log(abs(x - 0.7))",
    [BATTERY_FN_hv_abssin] = "abs(sin(x))",
    [BATTERY_FN_hv_damped50] = "exp(-x)*cos(50*x)",
    [BATTERY_FN_hv_peaks] = PEAK(1) " + " PEAK(2) " + " PEAK(3) " + " PEAK(4) " + "
        PEAK(5) " + " PEAK(6) " + " PEAK(7) " + " PEAK(8) " + " PEAK(9) " + "
        PEAK(10) " + " PEAK(11) " + " PEAK(12) " + " PEAK(13) " + " PEAK(14) " + "
        PEAK(15) " + " PEAK(16) " + " PEAK(17) " + " PEAK(18) " + " PEAK(19) " + "
        PEAK(20),
};

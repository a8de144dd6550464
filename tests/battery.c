/* SPDX-License-Identifier: MIT */
/* The accuracy battery (see battery.h). */
#include "battery.h"

#include <math.h>

/* The scalar instantiation of the integrands (see battery_fns.h). */
#define T double
#define BFN(name) static double name(double x)
#define EXP exp
#define LOG log
#define SIN sin
#define COS cos
#define SQRT sqrt
#define POW pow
#define FABS fabs
#define COSH cosh
#define EXPM1 expm1
#define FLOOR floor
#define SEL(c, a, b) ((c) ? (a) : (b))
#include "battery_fns.h"

static const double pt_gg02[] = {0.3};
static const double pt_gg24[] = {
    0.69314718055994530942, 1.09861228866810969140, 1.38629436111989061883,
    1.60943791243410037460, 1.79175946922805500081, 1.94591014905531330511,
    2.07944154167983592825, 2.19722457733621938279, 2.30258509299404568402,
    2.39789527279837054406, 2.48490664978800031023, 2.56494935746153673605,
    2.63905732961525861466, 2.70805020110221006599, 2.77258872223978123767,
    2.83321334405621608025, 2.89037175789616469011, 2.94443897916644046001,
    2.99573227355399099344,
};
static const double pt_gg25[] = {1, 3};
/* The narrowest peak (width 1/8000) bracketed with margin: a breakpoint at
 * its centre, or one where its tail is still large, would put peak or tail
 * in the margins next to the breakpoint that no Gauss-Kronrod node reaches.
 * Its tails are below 1e-17 at 0.595 and 0.605. */
static const double pt_gg21[] = {0.595, 0.605};
static const double pt_f454[] = {1, 1.41421356237309504880};
static const double pt_third[] = {1.0 / 3};
static const double pt_07[] = {0.7};
static const double pt_disc[] = {0.5};
static const double pt_cont[] = {0.42};

#define P(pts) pts, sizeof pts / sizeof *pts
#define F(name) name, BATTERY_FN_##name

const battery_problem battery[] = {
    /* name, source, F(integrand), a, b, exact, P(points), flags */
    {"exp(x)", "Kahaner 1", F(gg01), 0, 1, 1.7182818284590453, NULL, 0, 0},
    {"step at 0.3", "Kahaner 2", F(gg02), 0, 1, 0.69999999999999996, NULL, 0, BATTERY_HARD},
    {"step at 0.3, breakpoint", "Kahaner 2", F(gg02), 0, 1, 0.69999999999999996, P(pt_gg02), 0},
    {"sqrt(x)", "Kahaner 3", F(gg03), 0, 1, 0.66666666666666663, NULL, 0, BATTERY_SINGULAR},
    {"23/25 cosh x - cos x", "Kahaner 4", F(gg04), -1, 1, 0.47942822668880164, NULL, 0, 0},
    {"1/(x^4+x^2+0.9)", "Kahaner 5", F(gg05), -1, 1, 1.5822329637296728, NULL, 0, 0},
    {"x^1.5", "Kahaner 6", F(gg06), 0, 1, 0.40000000000000002, NULL, 0, BATTERY_SINGULAR},
    {"1/sqrt(x)", "Kahaner 7", F(gg07), 0, 1, 2, NULL, 0, BATTERY_SINGULAR},
    {"1/(1+x^4)", "Kahaner 8", F(gg08), 0, 1, 0.86697298733991102, NULL, 0, 0},
    {"2/(2+sin(10 pi x))", "Kahaner 9", F(gg09), 0, 1, 1.1547005383792515, NULL, 0, 0},
    {"1/(1+x)", "Kahaner 10", F(gg10), 0, 1, 0.69314718055994529, NULL, 0, 0},
    {"1/(1+e^x)", "Kahaner 11", F(gg11), 0, 1, 0.37988549304172248, NULL, 0, 0},
    {"x/(e^x-1)", "Kahaner 12", F(gg12), 0, 1, 0.77750463411224824, NULL, 0, 0},
    {"sin(100 pi x)/(pi x)", "Kahaner 13", F(gg13), 0.1, 1, 0.0090986375391668428, NULL, 0, 0},
    {"sqrt(50) exp(-50 pi x^2)", "Kahaner 14", F(gg14), 0, 10, 0.5, NULL, 0, 0},
    {"25 exp(-25 x)", "Kahaner 15", F(gg15), 0, 10, 1, NULL, 0, 0},
    {"50/(pi(2500x^2+1))", "Kahaner 16", F(gg16), 0, 10, 0.49936338107645672, NULL, 0, 0},
    {"50 sinc^2(50 pi x)", "Kahaner 17", F(gg17), 0.01, 1, 0.11213930374163741, NULL, 0, 0},
    {"cos(cos x + 3 sin x + ...)", "Kahaner 18", F(gg18), 0, 3.14159265358979323846, 0.8386763426944297, NULL, 0, 0},
    {"log(x)", "Kahaner 19", F(gg19), 0, 1, -1, NULL, 0, BATTERY_SINGULAR},
    {"1/(x^2+1.005)", "Kahaner 20", F(gg20), -1, 1, 1.5643964440690499, NULL, 0, 0},
    {"three sech peaks", "Kahaner 21", F(gg21), 0, 1, 0.16349494301863723, NULL, 0, BATTERY_TRAP},
    {"three sech peaks, peak bracketed", "Kahaner 21", F(gg21), 0, 1, 0.16349494301863723, P(pt_gg21), 0},
    {"4 pi^2 x sin(20 pi x) cos(2 pi x)", "Kahaner 22", F(gg22), 0, 1, -0.63466518254339255, NULL, 0, 0},
    {"1/(1+(230x-30)^2)", "Kahaner 23", F(gg23), 0, 1, 0.013492485649467773, NULL, 0, 0},
    {"floor(e^x)", "Kahaner 24", F(gg24), 0, 3, 17.664383539246515, NULL, 0, BATTERY_TRAP},
    {"floor(e^x), breakpoints", "Kahaner 24", F(gg24), 0, 3, 17.664383539246515, P(pt_gg24), 0},
    {"piecewise linear, breakpoints", "Kahaner 25", F(gg25), 0, 5, 7.5, P(pt_gg25), 0},

    {"x^2.6 log(1/x)", "QUADPACK f1", F(qp_f1a), 0, 1, 0.07716049382716049, NULL, 0, BATTERY_SINGULAR},
    {"x^-0.9 log(1/x)", "QUADPACK f1", F(qp_f1b), 0, 1, 100.00000000000004, NULL, 0, BATTERY_SINGULAR},
    {"cos(2^1.3 sin x)", "QUADPACK f3", F(qp_f3), 0, 3.14159265358979323846, -0.092566561292995578, NULL, 0, 0},
    {"log(1/x)", "QUADPACK f11", F(qp_f11), 0, 1, 1, NULL, 0, BATTERY_SINGULAR},
    {"x^2 exp(-x/32)", "QUADPACK f15", F(qp_f15), 0, INFINITY, 65536, NULL, 0, 0},
    {"1/(1+10x)^2", "QUADPACK f16", F(qp_f16), 0, INFINITY, 0.10000000000000001, NULL, 0, 0},
    {"x^3 log|(x^2-1)(x^2-2)|", "QUADPACK f454", F(qp_f454), 0, 3, 52.740748383471448, P(pt_f454), 0},
    {"log(x)/(1+100x^2)", "QUADPACK f455", F(qp_f455), 0, INFINITY, -0.36168922062077324, NULL, 0, BATTERY_SINGULAR},

    {"oscillatory", "Genz 1", F(gz_osc), 0, 1, -0.15809491930974992, NULL, 0, 0},
    {"product peak", "Genz 2", F(gz_prod), 0, 1, 58.561442813347462, NULL, 0, 0},
    {"corner peak", "Genz 3", F(gz_corner), 0, 1, 0.16666666666666666, NULL, 0, 0},
    {"gaussian", "Genz 4", F(gz_gauss), 0, 1, 0.11816359006036774, NULL, 0, 0},
    {"continuous", "Genz 5", F(gz_cont), 0, 1, 0.21908555327205179, NULL, 0, 0},
    {"continuous, breakpoint", "Genz 5", F(gz_cont), 0, 1, 0.21908555327205179, P(pt_cont), 0},
    {"discontinuous, breakpoint", "Genz 6", F(gz_disc), 0, 1, 1.5972640247326626, P(pt_disc), 0},

    {"exp(-x^2)", "infinite", F(inf_gauss), -INFINITY, INFINITY, 1.7724538509055161, NULL, 0, 0},
    {"1/(1+x^2)", "infinite", F(inf_lorentz), -INFINITY, INFINITY, 3.1415926535897931, NULL, 0, 0},
    {"exp(-x)", "semi-infinite", F(inf_exp), 0, INFINITY, 1, NULL, 0, 0},
    {"1/x^2", "semi-infinite", F(inf_inv2), 1, INFINITY, 1, NULL, 0, 0},
    {"1/((1+x) sqrt(x))", "semi-infinite", F(inf_sing), 0, INFINITY, 3.1415926535897931, NULL, 0, BATTERY_SINGULAR},
    {"exp(-x) cos(x)", "semi-infinite", F(inf_damped), 0, INFINITY, 0.5, NULL, 0, 0},
    {"exp(-x^2) on (-inf, 38]", "semi-infinite", F(inf_gauss), -INFINITY, 38, 1.7724538509055161, NULL, 0, 0},
    {"1/(1+x^4)", "semi-infinite", F(inf_quartic), 0, INFINITY, 1.1107207345395915, NULL, 0, 0},
    {"normal density to 1.5", "semi-infinite", F(inf_normal), -INFINITY, 1.5, 0.93319279873114203, NULL, 0, 0},
    {"x exp(-x)", "semi-infinite", F(inf_xexp), 0, INFINITY, 1, NULL, 0, 0},

    {"x sin(50x)", "oscillatory", F(osc_xsin), 0, 3.14159265358979323846, -0.062831853071795868, NULL, 0, 0},
    {"sin(x)/x on [0, 100]", "oscillatory", F(osc_sinc), 0, 100, 1.5622254668890563, NULL, 0, 0},
    {"cos(100x)", "oscillatory", F(osc_cos100), 0, 1, -0.005063656411097588, NULL, 0, 0},
    {"1/(1e-4+(x-0.3)^2)", "peaked", F(pk_lorentz), 0, 1, 309.39869151241493, NULL, 0, 0},
    {"exp(-1000(x-0.25)^2)", "peaked", F(pk_gauss), 0, 1, 0.056049912163979289, NULL, 0, 0},
    {"sech^2(100(x-0.5))", "peaked", F(pk_sech2), 0, 1, 0.02, NULL, 0, 0},

    {"log(x)/sqrt(x)", "singular", F(sg_logsqrt), 0, 1, -4, NULL, 0, BATTERY_SINGULAR},
    {"x^-0.9", "singular", F(sg_x09), 0, 1, 10.000000000000002, NULL, 0, BATTERY_SINGULAR},
    {"log(x)^2", "singular", F(sg_log2), 0, 1, 2, NULL, 0, BATTERY_SINGULAR},
    {"x log(x)", "singular", F(sg_xlog), 0, 1, -0.25, NULL, 0, BATTERY_SINGULAR},
    {"1/sqrt(1-x^2)", "singular", F(sg_arcsine), -1, 1, 3.1415926535897931, NULL, 0, BATTERY_SINGULAR},
    {"sqrt(1-x^2)", "singular", F(sg_semicircle), -1, 1, 1.5707963267948966, NULL, 0, BATTERY_SINGULAR},
    {"|x-1/3|^-0.5, breakpoint", "singular", F(sg_inner_sqrt), 0, 1, 2.7876937002347035, P(pt_third), 0},
    {"log|x-0.7|, breakpoint", "singular", F(sg_inner_log), 0, 1, -1.6108643020548934, P(pt_07), 0},
};

const size_t battery_count = sizeof battery / sizeof *battery;

const battery_problem battery_heavy[] = {
    {"cos(100x) on [0, 50]", "oscillatory", F(osc_cos100), 0, 50, -0.0098796643876677692, NULL, 0, 0},
    {"x sin(50x) on [0, 200]", "oscillatory", F(osc_xsin), 0, 200, 3.8084992272805041, NULL, 0, 0},
    {"|sin x| on [0, 300]", "95 kinks", F(hv_abssin), 0, 300, 190.97790338072133, NULL, 0, 0},
    {"exp(-x) cos(50x)", "semi-infinite", F(hv_damped50), 0, INFINITY, 0.00039984006397441024, NULL, 0, 0},
    {"twenty Lorentz peaks", "peaked", F(hv_peaks), 0, 1, 6132.8052195589371, NULL, 0, 0},
};

const size_t battery_heavy_count = sizeof battery_heavy / sizeof *battery_heavy;

int battery_batch(size_t n, const double *x, double *y, void *ctx)
{
    const battery_problem *p = ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = p->f(x[i]);
    return 0;
}

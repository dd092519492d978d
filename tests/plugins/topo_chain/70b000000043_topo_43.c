/* 70b000000043_topo_43.c - revision 43 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000043", "70b000000042", "topo 43");
TOPO_BODY(43)

package demo

// orgNames are the demo organisations' names in Ukrainian and in French, as
// their own governments and the mechanism's French-language documents write
// them. The invented companies have no other name: readers see the one they
// registered, in English.
var orgNames = map[string]struct{ uk, fr string }{
	"ca": {"Канада", "Canada"},
	"dk": {"Данія", "Danemark"},
	"ee": {"Естонія", "Estonie"},
	"fr": {"Франція", "France"},
	"de": {"Німеччина", "Allemagne"},
	"it": {"Італія", "Italie"},
	"nl": {"Нідерланди", "Pays-Bas"},
	"pl": {"Польща", "Pologne"},
	"se": {"Швеція", "Suède"},
	"gb": {"Сполучене Королівство", "Royaume-Uni"},
	"us": {"Сполучені Штати Америки", "États-Unis"},
	"ua": {"Україна", "Ukraine"},

	"eu":   {"Європейський Союз", "Union européenne"},
	"nato": {"НАТО", "OTAN"},
	"wb":   {"Світовий банк", "Banque mondiale"},

	"ssscip":    {"Державна служба спеціального зв’язку та захисту інформації України (Держспецзв’язку)", "Service national des communications spéciales et de la protection de l’information d’Ukraine (SSSCIP)"},
	"power":     {"Обласна енергорозподільна компанія «Обленерго»", "Gestionnaire régional du réseau de distribution d’électricité Oblenergo"},
	"registers": {"Держатель державних реєстрів", "Gestionnaire des registres de l’État"},
	"water":     {"Комунальне підприємство «Водоканал»", "Régie municipale des eaux Vodokanal"},
	"telecom":   {"Національний оператор магістральних телекомунікаційних мереж", "Opérateur national du réseau de télécommunications dorsal"},

	"ngo": {"Фонд громадянської кіберстійкості", "Fondation pour la cyberrésilience civique"},
}

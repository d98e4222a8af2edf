package model

// Regions are Ukraine's oblasts and cities with special status, by their
// ISO 3166-2:UA code, so that reports group by a stable key whatever the
// spelling.
var Regions = []struct{ Code, Name string }{
	{"UA-71", "Cherkasy"}, {"UA-74", "Chernihiv"}, {"UA-77", "Chernivtsi"},
	{"UA-43", "Crimea"}, {"UA-12", "Dnipropetrovsk"}, {"UA-14", "Donetsk"},
	{"UA-26", "Ivano-Frankivsk"}, {"UA-63", "Kharkiv"}, {"UA-65", "Kherson"},
	{"UA-68", "Khmelnytskyi"}, {"UA-35", "Kirovohrad"}, {"UA-30", "Kyiv (city)"},
	{"UA-32", "Kyiv"}, {"UA-09", "Luhansk"}, {"UA-46", "Lviv"},
	{"UA-48", "Mykolaiv"}, {"UA-51", "Odesa"}, {"UA-53", "Poltava"},
	{"UA-56", "Rivne"}, {"UA-40", "Sevastopol"}, {"UA-59", "Sumy"},
	{"UA-61", "Ternopil"}, {"UA-05", "Vinnytsia"}, {"UA-07", "Volyn"},
	{"UA-21", "Zakarpattia"}, {"UA-23", "Zaporizhzhia"}, {"UA-18", "Zhytomyr"},
}

func ValidRegion(code string) bool {
	for _, r := range Regions {
		if r.Code == code {
			return true
		}
	}
	return false
}
